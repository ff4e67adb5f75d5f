package io.drwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedactTest {

  @Test
  void urlPasswordAsFirstParameter() {
    assertEquals("jdbc:postgresql://db:5432/postgres?password=****",
        Redact.url("jdbc:postgresql://db:5432/postgres?password=hunter2"));
  }

  @Test
  void urlPasswordAmongOtherParameters() {
    assertEquals("jdbc:postgresql://db/postgres?user=drwatch&password=****&ssl=true",
        Redact.url("jdbc:postgresql://db/postgres?user=drwatch&password=hunter2&ssl=true"));
    assertEquals("jdbc:postgresql://db/postgres?user=drwatch&PassWord=****",
        Redact.url("jdbc:postgresql://db/postgres?user=drwatch&PassWord=hunter2"));
  }

  @Test
  void sslKeyPasswordIsAPasswordToo() {
    // pgjdbc's sslpassword decrypts the client key
    assertEquals("jdbc:postgresql://db/postgres?sslmode=verify-full&sslpassword=****",
        Redact.url("jdbc:postgresql://db/postgres?sslmode=verify-full&sslpassword=keypass"));
  }

  @Test
  void userInfoPassword() {
    assertEquals("jdbc:postgresql://drwatch:****@db:5432/postgres",
        Redact.url("jdbc:postgresql://drwatch:hunter2@db:5432/postgres"));
  }

  @Test
  void userInfoPasswordContainingAt() {
    assertEquals("jdbc:postgresql://drwatch:****@db/postgres",
        Redact.url("jdbc:postgresql://drwatch:p@ss@db/postgres"));
  }

  @Test
  void urlWithoutSecretsIsUnchanged() {
    for (String url : new String[] {
        "jdbc:postgresql://db:5432/postgres",
        "jdbc:postgresql://h1:5432,h2:5433/app?targetServerType=primary&user=drwatch",
        "jdbc:postgresql://[::1]:5432/postgres?passwordless=true"}) {
      assertEquals(url, Redact.url(url));
    }
    assertNull(Redact.url(null));
  }

  @Test
  void conninfoPassword() {
    assertEquals("host=db port=5432 user=drwatch password=**** dbname=postgres",
        Redact.text("host=db port=5432 user=drwatch password=hunter2 dbname=postgres", null));
    assertEquals("primary_conninfo is 'user=r PASSWORD = **** host=db'",
        Redact.text("primary_conninfo is 'user=r PASSWORD = hunter2 host=db'", null));
  }

  @Test
  void quotedConninfoPassword() {
    assertEquals("host=db password=**** user=x",
        Redact.text("host=db password='hun ter\\'2' user=x", null));
  }

  @Test
  void urlInsideText() {
    // The mask runs to the next & or ; (a raw space could be part of the password), so text after
    // the URL may go too; what matters is that the secret does.
    String masked = Redact.text("cannot connect to jdbc:postgresql://db/x?password=hunter2 (timeout)", null);
    assertTrue(masked.startsWith("cannot connect to jdbc:postgresql://db/x?password=****"), masked);
    assertFalse(masked.contains("hunter2"), masked);
  }

  @Test
  void literalSecretValue() {
    assertEquals("FATAL: role \"drwatch\" tried **** twice",
        Redact.text("FATAL: role \"drwatch\" tried hunter2 twice", new Secret("hunter2")));
  }

  @Test
  void emptyOrMissingSecretChangesNothing() {
    String text = "FATAL: password authentication failed for user \"drwatch\"";
    assertEquals(text, Redact.text(text, null));
    assertEquals(text, Redact.text(text, new Secret("")));
    assertEquals(text, Redact.text(text, new Secret(null)));
    assertNull(Redact.text(null, new Secret("x")));
  }

  @Test
  void secretNeverPrintsItself() {
    assertEquals("****", new Secret("hunter2").toString());
    assertEquals("hunter2", new Secret("hunter2").reveal());
  }

  @Test
  void userInfoEchoedAsAHostNameInADriverMessage() {
    assertEquals("The connection attempt failed.: drwatch:****@127.0.0.1 [SQLSTATE 08001]",
        Redact.text("The connection attempt failed.: drwatch:UserInfoPass-7788@127.0.0.1 [SQLSTATE 08001]", null));
    assertEquals("Connection to 127.0.0.1:5432 refused", Redact.text("Connection to 127.0.0.1:5432 refused", null));
    assertEquals("at 12:30 for drwatch@db", Redact.text("at 12:30 for drwatch@db", null));
  }
}
