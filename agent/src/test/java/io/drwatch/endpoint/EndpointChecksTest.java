package io.drwatch.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.drwatch.cluster.ClusterView;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.config.EndpointSettings;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cross-checks of one probe against the cluster view, as series. */
class EndpointChecksTest {

  private static final ClusterView MAIN = ClusterView.of("main", List.of(
      member("pg-a", "10.0.0.1", 100.0, false), member("pg-b", "10.0.0.2", 200.0, true)));
  private static final Map<String, Double> REPLAY_DELAYS = Map.of("pg-b", 45.0);

  private static TargetStatus member(String name, String address, double started, boolean inRecovery) {
    ServerInfo s = new ServerInfo(Flavor.POSTGRESQL, 170006, "17.6", inRecovery, 2L, "7001", started, true, Set.of());
    return new TargetStatus(name, "main", Map.of("cluster", "main"), "jdbc:postgresql://" + address + ":5432/postgres",
        true, s, null, Instant.EPOCH, Instant.EPOCH, 1);
  }

  private record Out(String target, String family, List<String> labels, double value) {}

  private static List<Out> series(EndpointSettings s, ProbeResult r, Set<String> members) {
    List<Out> out = new ArrayList<>();
    Endpoints.probeSeries(s, r, members, MAIN, REPLAY_DELAYS, new Derivation.Output() {
      @Override
      public void add(String target, Sample sample) {
        out.add(new Out(target, sample.family().name(), sample.labelValues(), sample.value()));
      }

      @Override
      public void histogram(String target, MetricFamily f, List<String> labels, double[] b, long[] c, double sum) {
        throw new AssertionError("no histogram from one probe");
      }
    });
    return out;
  }

  private static Double value(List<Out> out, String family, String... labels) {
    return out.stream().filter(o -> o.family().equals(family) && o.labels().equals(List.of(labels)))
        .map(Out::value).findFirst().orElse(null);
  }

  private static EndpointSettings endpoint(EndpointSettings.Expect expect, EndpointSettings.Via via) {
    return new EndpointSettings("e", "jdbc:postgresql://db.example:5432/postgres", "main", expect, via, "u", null,
        Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2), null, Duration.ofSeconds(30), null, "");
  }

  private static ProbeResult answeredBy(String address, double started, boolean inRecovery) {
    return new ProbeResult(Instant.EPOCH, List.of(address), 5L, 0.001, true, 0.01, 0.002, "7001", started, address,
        5432, inRecovery, inRecovery, 2L, !inRecovery, null, null);
  }

  @Test
  void writerOnTheStandbyIsReadOnlyAndNotThePrimary() {
    List<Out> out = series(endpoint(EndpointSettings.Expect.WRITER, EndpointSettings.Via.DNS),
        answeredBy("10.0.0.2", 200.0, true), Set.of("10.0.0.1", "10.0.0.2"));
    assertEquals(1.0, value(out, "drwatch_endpoint_up", "e"));
    assertEquals(0.0, value(out, "drwatch_endpoint_writable", "e"));
    assertEquals(0.0, value(out, "drwatch_endpoint_reaches_primary", "e"));
    assertEquals(1.0, value(out, "drwatch_endpoint_reaches_member", "e"));
    Out member = out.stream().filter(o -> o.family().equals("drwatch_endpoint_member_info")).findFirst().orElseThrow();
    assertEquals("pg-b", member.target());
    assertEquals(1.0, value(out, "drwatch_endpoint_dns_address_member", "e", "10.0.0.2"));
    assertEquals(5.0, value(out, "drwatch_endpoint_dns_ttl_seconds", "e"));
    assertNull(value(out, "drwatch_endpoint_standby_replay_delay_seconds", "e"), "a writer's lag is not a reader check");
  }

  @Test
  void readerOnAStandbyCarriesItsLagAndReaderOnThePrimaryIsFlagged() {
    List<Out> out = series(endpoint(EndpointSettings.Expect.READER, EndpointSettings.Via.PROXY),
        answeredBy("10.9.9.9", 200.0, true), Set.of());
    assertEquals(45.0, value(out, "drwatch_endpoint_standby_replay_delay_seconds", "e"));
    assertEquals(0.0, value(out, "drwatch_endpoint_reaches_primary", "e"));
    assertNull(value(out, "drwatch_endpoint_dns_address_member", "e", "10.9.9.9"), "a proxy's address is its own");
    out = series(endpoint(EndpointSettings.Expect.READER, EndpointSettings.Via.PROXY),
        answeredBy("10.9.9.9", 100.0, false), Set.of());
    assertEquals(1.0, value(out, "drwatch_endpoint_reaches_primary", "e"));
  }

  @Test
  void anAddressNoMemberHasAndAServerNoMemberIs() {
    List<Out> out = series(endpoint(EndpointSettings.Expect.WRITER, EndpointSettings.Via.DNS),
        answeredBy("10.0.0.77", 999.0, false), Set.of("10.0.0.1", "10.0.0.2"));
    assertEquals(0.0, value(out, "drwatch_endpoint_dns_address_member", "e", "10.0.0.77"));
    assertEquals(0.0, value(out, "drwatch_endpoint_reaches_member", "e"));
    assertEquals(0.0, value(out, "drwatch_endpoint_reaches_primary", "e"));
  }

  @Test
  void aDownEndpointSaysOnlyWhatItSaw() {
    ProbeResult down = ProbeResult.failed(Instant.EPOCH, List.of("10.0.0.1"), 5L, 0.001, 1.0, "refused");
    List<Out> out = series(endpoint(EndpointSettings.Expect.WRITER, EndpointSettings.Via.DNS), down,
        Set.of("10.0.0.1"));
    assertEquals(0.0, value(out, "drwatch_endpoint_up", "e"));
    assertNull(value(out, "drwatch_endpoint_writable", "e"));
    assertNull(value(out, "drwatch_endpoint_reaches_primary", "e"));
    assertEquals(1.0, value(out, "drwatch_endpoint_dns_info", "e", "10.0.0.1"));
  }
}
