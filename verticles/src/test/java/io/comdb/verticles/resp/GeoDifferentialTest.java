package io.comdb.verticles.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Geo commands against a real redis-server, replies compared word for word (see {@link DifferentialTest}). */
class GeoDifferentialTest extends AgainstRedisServer {
  /**
   * Geo commands over 400 points around cities, the antimeridian and the Mercator limit: positions,
   * hashes, distances and searches of every shape and option (unsorted too: both scan the same cells in
   * the same order), STORE forms, and argument errors.
   */
  @Test
  void geoCommandsAsRedis() throws Exception {
    Random random = new Random(Long.getLong("diff.seed", 13));
    double[][] centres = {{2.35, 48.85}, {-74.0, 40.7}, {151.2, -33.9}, {-21.9, 64.1}, {179.9, 0.5}, {-179.95, -10}, {10, 84.9}};
    List<String> add = new ArrayList<>(List.of("GEOADD", "geo"));
    for (int i = 0; i < 400; i++) {
      double[] at = centres[random.nextInt(centres.length)];
      double lon = Math.max(-180, Math.min(180, at[0] + random.nextGaussian() * 0.3));
      double lat = Math.max(-85.05, Math.min(85.05, at[1] + random.nextGaussian() * 0.3));
      add.addAll(List.of(String.format("%.6f", lon), String.format("%.6f", lat), "p" + i));
    }
    try (RespClient r = new RespClient(servers.redis.port); RespClient c = new RespClient(servers.comdb.port)) {
      for (RespClient client : List.of(r, c)) {
        client.call("FLUSHALL");
        assertThat(client.call(add)).isEqualTo(400L);
      }
      for (int i = 0; i < 500; i++) {
        List<String> command = geoCommand(random, centres);
        assertThat(c.call(command)).as("%s", String.join(" ", command)).isEqualTo(r.call(command));
      }
      for (String key : List.of("geo", "dest")) {
        assertThat(c.call("ZRANGE", key, "0", "-1", "WITHSCORES")).isEqualTo(r.call("ZRANGE", key, "0", "-1", "WITHSCORES"));
      }
    }
  }

  private static List<String> geoCommand(Random r, double[][] centres) {
    double[] at = centres[r.nextInt(centres.length)];
    String lon = String.format("%.4f", at[0] + r.nextGaussian() * 0.2);
    String lat = String.format("%.4f", at[1] + r.nextGaussian() * 0.2);
    String member = "p" + r.nextInt(420);
    String radius = DifferentialTest.Generator.pick(r, "0", "500", "5", "20", "50", "300", "-1", "x", "10000");
    String unit = DifferentialTest.Generator.pick(r, "km", "km", "M", "mi", "ft", "parsec");
    List<String> options = new ArrayList<>();
    for (String option : List.of("WITHDIST", "WITHHASH", "WITHCOORD", "ASC", "DESC")) {
      if (r.nextInt(3) == 0) {
        options.add(option);
      }
    }
    if (r.nextInt(3) == 0) {
      options.addAll(List.of("COUNT", DifferentialTest.Generator.pick(r, "1", "5", "30", "0")));
      if (r.nextBoolean()) {
        options.add("ANY");
      }
    }
    Collections.shuffle(options, r);
    List<String> command = new ArrayList<>();
    switch (r.nextInt(10)) {
      case 0 -> command.addAll(List.of("GEOPOS", "geo", member, member, "nope"));
      case 1 -> command.addAll(List.of("GEOHASH", "geo", member, "nope", member));
      case 2 -> command.addAll(List.of("GEODIST", "geo", member, "p" + r.nextInt(420), DifferentialTest.Generator.pick(r, "m", "KM", "mi", "ft", "x")));
      case 3 -> command.addAll(List.of("GEORADIUS", "geo", lon, lat, radius, unit));
      case 4 -> command.addAll(List.of("GEORADIUSBYMEMBER_RO", "geo", member, radius, unit));
      case 5 -> command.addAll(List.of("GEOSEARCH", "geo", "FROMLONLAT", lon, lat, "BYBOX", radius, DifferentialTest.Generator.pick(r, "40", "400", "3"), unit));
      case 6 -> command.addAll(List.of("GEOSEARCH", "geo", "FROMMEMBER", member, "BYRADIUS", radius, unit));
      case 7 -> {
        command.addAll(List.of("GEOSEARCHSTORE", "dest", "geo", "FROMLONLAT", lon, lat, "BYRADIUS", radius, unit));
        options.removeIf(o -> o.startsWith("WITH"));
        if (r.nextBoolean()) {
          options.add("STOREDIST");
        }
      }
      case 8 -> {
        command.addAll(List.of("GEORADIUS", "geo", lon, lat, radius, unit, DifferentialTest.Generator.pick(r, "STORE", "STOREDIST"), "dest"));
        options.removeIf(o -> o.startsWith("WITH"));
      }
      default -> command.addAll(List.of("GEOADD", "geo", DifferentialTest.Generator.pick(r, "NX", "XX", "CH", "GT"), lon,
          DifferentialTest.Generator.pick(r, lat, "86", "-90.5"), member));
    }
    if (command.get(0).startsWith("GEORADIUS") || command.get(0).startsWith("GEOSEARCH")) {
      command.addAll(options);
    }
    return command;
  }
}
