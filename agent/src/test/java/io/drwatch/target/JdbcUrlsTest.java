package io.drwatch.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Fan-out reaches another database by swapping the database part of the target's URL only. */
class JdbcUrlsTest {

  @Test
  void swapsOnlyTheDatabase() {
    assertEquals("jdbc:postgresql://h:5432/app", JdbcUrls.withDatabase("jdbc:postgresql://h:5432/postgres", "app"));
    assertEquals("jdbc:postgresql://h1:5432,h2:5433/app?sslmode=verify-full&targetServerType=any",
        JdbcUrls.withDatabase("jdbc:postgresql://h1:5432,h2:5433/postgres?sslmode=verify-full&targetServerType=any", "app"));
    assertEquals("jdbc:postgresql://h/app?ssl=true", JdbcUrls.withDatabase("jdbc:postgresql://h?ssl=true", "app"));
    assertEquals("jdbc:postgresql://h/app", JdbcUrls.withDatabase("jdbc:postgresql://h/", "app"));
    assertEquals("jdbc:postgresql://[::1]:5432/db%203%2Fx%3Fy", JdbcUrls.withDatabase("jdbc:postgresql://[::1]:5432/p", "db 3/x?y"));
  }

  @Test
  void readsTheDatabase() {
    assertEquals("db 3", JdbcUrls.database("jdbc:postgresql://h/db%203?x=1"));
    assertNull(JdbcUrls.database("jdbc:postgresql://h:5432"));
    assertNull(JdbcUrls.database("jdbc:postgresql://h/?x=1"));
  }
}
