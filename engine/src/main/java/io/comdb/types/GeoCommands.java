package io.comdb.types;

import io.comdb.types.GeoHash.Cell;
import io.comdb.types.GeoHash.Shape;
import io.comdb.types.ZRanges.ScoreRange;
import io.comdb.types.ZSets.Entry;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Geo commands, on sorted sets as Redis has them: a member's score is its position's 52-bit geohash
 * ({@link GeoHash}), so GEOADD is a ZADD and a search scans the score ranges of up to nine cells,
 * keeping the members within the shape. Replies and errors are Redis 7.0's.
 */
final class GeoCommands {
  private GeoCommands() {}

  static void register() {
    Commands.add("geoadd", -5, "write denyoom", 1, 1, 1, GeoCommands::geoadd);
    Commands.add("geodist", -4, "readonly", 1, 1, 1, GeoCommands::geodist);
    Commands.add("geohash", -2, "readonly", 1, 1, 1, c -> positions(c, (member, score) -> Reply.bulk(GeoHash.text(score))));
    Commands.add("geopos", -2, "readonly", 1, 1, 1, c -> positions(c, (member, score) -> {
      double[] p = GeoHash.position(score);
      return Reply.array(List.of(coordinate(p[0]), coordinate(p[1])));
    }));
    Commands.add("georadius", -6, "write denyoom movablekeys", 1, 1, 1, c -> search(c, Search.parse(c, From.COORDINATES, true)));
    Commands.add("georadius_ro", -6, "readonly", 1, 1, 1, c -> search(c, Search.parse(c, From.COORDINATES, false)));
    Commands.add("georadiusbymember", -5, "write denyoom movablekeys", 1, 1, 1, c -> search(c, Search.parse(c, From.MEMBER, true)));
    Commands.add("georadiusbymember_ro", -5, "readonly", 1, 1, 1, c -> search(c, Search.parse(c, From.MEMBER, false)));
    Commands.add("geosearch", -7, "readonly", 1, 1, 1, c -> search(c, Search.parse(c, From.OPTIONS, false)));
    Commands.add("geosearchstore", -8, "write denyoom", 1, 2, 1, c -> search(c, Search.parse(c, From.OPTIONS, true)));
  }

  /** GEORADIUS's and GEORADIUSBYMEMBER's keys: the source, and the key a STORE or STOREDIST names. */
  static List<byte[]> keys(List<byte[]> args) {
    List<byte[]> keys = new ArrayList<>(List.of(args.get(1)));
    for (int i = 2; i + 1 < args.size(); i++) {
      String word = new String(args.get(i), StandardCharsets.UTF_8);
      if (word.equalsIgnoreCase("STORE") || word.equalsIgnoreCase("STOREDIST")) {
        keys.add(args.get(++i));
      }
    }
    return keys;
  }

  /** GEOADD key [NX|XX] [CH] lon lat member ...: a ZADD of each position's geohash. */
  private static Reply geoadd(Call c) throws IOException {
    int first = 2;
    boolean nx = false;
    boolean xx = false;
    for (; first < c.argc(); first++) {
      String opt = c.keyword(first);
      if (opt.equals("NX")) {
        nx = true;
      } else if (opt.equals("XX")) {
        xx = true;
      } else if (!opt.equals("CH")) {
        break;
      }
    }
    if ((c.argc() - first) % 3 != 0 || nx && xx) {
      throw Call.syntax();
    }
    List<byte[]> zadd = new ArrayList<>();
    zadd.add("zadd".getBytes(StandardCharsets.US_ASCII));
    for (int i = 1; i < first; i++) {
      zadd.add(c.arg(i));
    }
    for (int i = first; i < c.argc(); i += 3) {
      double[] p = lonLat(c, i);
      zadd.add(Long.toString(GeoHash.score(p[0], p[1])).getBytes(StandardCharsets.US_ASCII));
      zadd.add(c.arg(i + 2));
    }
    return Commands.run(c.nested(c.db, zadd, "zadd"), Commands.lookup("zadd"));
  }

  /** A longitude and a latitude from the arguments at {@code at}, within geohash's bounds. */
  private static double[] lonLat(Call c, int at) {
    double lon = c.doubleArg(at);
    double lat = c.doubleArg(at + 1);
    if (lon < GeoHash.LON_MIN || lon > GeoHash.LON_MAX || lat < GeoHash.LAT_MIN || lat > GeoHash.LAT_MAX) {
      throw new RedisError("ERR invalid longitude,latitude pair " + fixed(lon, 6) + "," + fixed(lat, 6));
    }
    return new double[] {lon, lat};
  }

  /** The meters in a unit (m, km, ft, mi). */
  private static double toMeters(Call c, int at) {
    return switch (c.keyword(at)) {
      case "M" -> 1;
      case "KM" -> 1000;
      case "FT" -> 0.3048;
      case "MI" -> 1609.34;
      default -> throw new RedisError("ERR unsupported unit provided. please use M, KM, FT, MI");
    };
  }

  private static Reply geodist(Call c) throws IOException {
    double toMeters = 1;
    if (c.argc() == 5) {
      toMeters = toMeters(c, 4);
    } else if (c.argc() > 5) {
      throw Call.syntax();
    }
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    Double a = ZSets.score(c, c.arg(1), m, c.arg(2));
    Double b = ZSets.score(c, c.arg(1), m, c.arg(3));
    if (a == null || b == null) {
      return Reply.NULL_BULK;
    }
    double[] p = GeoHash.position(a);
    double[] q = GeoHash.position(b);
    return distance(GeoHash.distance(p[0], p[1], q[0], q[1]) / toMeters);
  }

  /** What GEOHASH and GEOPOS answer for a member found. */
  @FunctionalInterface
  private interface Position {
    Reply of(byte[] member, double score);
  }

  private static Reply positions(Call c, Position position) throws IOException {
    Meta m = c.meta(c.arg(1), RedisType.ZSET);
    boolean pos = c.name.equals("geopos");
    List<Reply> out = new ArrayList<>(c.argc() - 2);
    for (int i = 2; i < c.argc(); i++) {
      Double score = ZSets.score(c, c.arg(1), m, c.arg(i));
      out.add(score != null ? position.of(c.arg(i), score) : pos ? Reply.NULL_ARRAY : Reply.NULL_BULK);
    }
    return Reply.array(out);
  }

  /** Where a search's centre comes from. */
  enum From {
    /** GEORADIUS: longitude and latitude after the key. */
    COORDINATES,
    /** GEORADIUSBYMEMBER: a member after the key. */
    MEMBER,
    /** GEOSEARCH and GEOSEARCHSTORE: FROMMEMBER or FROMLONLAT among the options. */
    OPTIONS
  }

  /** A point found: its member, score (geohash), position and distance from the centre in meters. */
  private record Point(byte[] member, double score, double lon, double lat, double meters) {}

  /**
   * A parsed search. Parsed as Redis parses it: the source key's type first, then the centre (a member of
   * a missing key is not looked up) and the options in order, each error as soon as it is met.
   */
  record Search(byte[] source, Meta meta, Shape shape, boolean withDist, boolean withHash, boolean withCoord, int sort,
      long count, boolean any, byte[] store, boolean storeDist) {

    static Search parse(Call c, From from, boolean storing) throws IOException {
      boolean searchStore = from == From.OPTIONS && storing;
      int sourceAt = searchStore ? 2 : 1;
      byte[] source = c.arg(sourceAt);
      Meta m = c.meta(source, RedisType.ZSET);
      double[] centre = null;
      double radius = 0;
      double width = 0;
      double height = 0;
      double toMeters = 0;
      boolean box = false;
      int optionsAt;
      if (from == From.COORDINATES) {
        centre = lonLat(c, 2);
        radius = radius(c, 4);
        toMeters = toMeters(c, 5);
        optionsAt = 6;
      } else if (from == From.MEMBER) {
        if (m != null) {
          centre = memberPosition(c, source, m, c.arg(2));
          radius = radius(c, 3);
          toMeters = toMeters(c, 4);
        }
        optionsAt = 5;
      } else {
        optionsAt = sourceAt + 1;
      }
      boolean withDist = false;
      boolean withHash = false;
      boolean withCoord = false;
      boolean any = false;
      int sort = 0;
      long count = 0;
      byte[] store = searchStore ? c.arg(1) : null;
      boolean storeDist = false;
      boolean fromMember = false;
      boolean fromLonLat = false;
      boolean byRadius = false;
      boolean byBox = false;
      boolean options = from == From.OPTIONS;
      for (int i = optionsAt; i < c.argc(); i++) {
        String opt = c.keyword(i);
        int left = c.argc() - i - 1;
        if (opt.equals("WITHDIST")) {
          withDist = true;
        } else if (opt.equals("WITHHASH")) {
          withHash = true;
        } else if (opt.equals("WITHCOORD")) {
          withCoord = true;
        } else if (opt.equals("ANY")) {
          any = true;
        } else if (opt.equals("ASC")) {
          sort = 1;
        } else if (opt.equals("DESC")) {
          sort = -1;
        } else if (opt.equals("COUNT") && left >= 1) {
          count = c.longArg(++i);
          if (count <= 0) {
            throw new RedisError("ERR COUNT must be > 0");
          }
        } else if ((opt.equals("STORE") || opt.equals("STOREDIST")) && left >= 1 && storing && !options) {
          store = c.arg(++i);
          storeDist = opt.equals("STOREDIST");
        } else if (opt.equals("STOREDIST") && searchStore) {
          storeDist = true;
        } else if (opt.equals("FROMMEMBER") && left >= 1 && options && !fromLonLat) {
          i++;
          if (m != null) {
            centre = memberPosition(c, source, m, c.arg(i));
          }
          fromMember = true;
        } else if (opt.equals("FROMLONLAT") && left >= 2 && options && !fromMember) {
          centre = lonLat(c, i + 1);
          fromLonLat = true;
          i += 2;
        } else if (opt.equals("BYRADIUS") && left >= 2 && options && !byBox) {
          radius = radius(c, i + 1);
          toMeters = toMeters(c, i + 2);
          byRadius = true;
          i += 2;
        } else if (opt.equals("BYBOX") && left >= 3 && options && !byRadius) {
          width = Numbers.parseDouble(c.arg(i + 1), "ERR need numeric width");
          height = Numbers.parseDouble(c.arg(i + 2), "ERR need numeric height");
          if (width < 0 || height < 0) {
            throw new RedisError("ERR height or width cannot be negative");
          }
          toMeters = toMeters(c, i + 3);
          box = true;
          byBox = true;
          i += 3;
        } else {
          throw Call.syntax();
        }
      }
      if (store != null && (withDist || withHash || withCoord)) {
        throw new RedisError("ERR " + (searchStore ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
            + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
      }
      if (options && !fromMember && !fromLonLat) {
        throw new RedisError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + c.text(0));
      }
      if (options && !byRadius && !byBox) {
        throw new RedisError("ERR exactly one of BYRADIUS and BYBOX can be specified for " + c.text(0));
      }
      if (any && count == 0) {
        throw new RedisError("ERR the ANY argument requires COUNT argument");
      }
      if (count != 0 && sort == 0 && !any) {
        sort = 1; // the nearest COUNT, as Redis: COUNT without ANY sorts
      }
      Shape shape = centre == null ? null : new Shape(centre[0], centre[1], box, radius, width, height, toMeters);
      return new Search(source, m, shape, withDist, withHash, withCoord, sort, count, any, store, storeDist);
    }

    private static double radius(Call c, int at) {
      double r = Numbers.parseDouble(c.arg(at), "ERR need numeric radius");
      if (r < 0) {
        throw new RedisError("ERR radius cannot be negative");
      }
      return r;
    }

    private static double[] memberPosition(Call c, byte[] key, Meta m, byte[] member) throws IOException {
      Double score = ZSets.score(c, key, m, member);
      if (score == null) {
        throw new RedisError("ERR could not decode requested zset member");
      }
      return GeoHash.position(score);
    }
  }

  private static Reply search(Call c, Search s) throws IOException {
    if (s.meta() == null) {
      if (s.store() != null) {
        ZSets.store(c, s.store(), List.of());
        return Reply.ZERO;
      }
      return Reply.EMPTY_ARRAY;
    }
    List<Point> found = scan(c, s);
    if (s.sort() != 0) {
      Comparator<Point> nearest = Comparator.comparingDouble(Point::meters);
      found.sort(s.sort() > 0 ? nearest : nearest.reversed());
    }
    List<Point> returned = s.count() == 0 || found.size() <= s.count() ? found : found.subList(0, (int) s.count());
    double toMeters = s.shape().toMeters();
    if (s.store() != null) {
      List<Entry> entries = new ArrayList<>(returned.size());
      for (Point p : returned) {
        entries.add(new Entry(p.member(), s.storeDist() ? p.meters() / toMeters : p.score()));
      }
      ZSets.store(c, s.store(), entries);
      return Reply.integer(entries.size());
    }
    List<Reply> out = new ArrayList<>(returned.size());
    for (Point p : returned) {
      if (!s.withDist() && !s.withHash() && !s.withCoord()) {
        out.add(Reply.bulk(p.member()));
        continue;
      }
      List<Reply> item = new ArrayList<>(4);
      item.add(Reply.bulk(p.member()));
      if (s.withDist()) {
        item.add(distance(p.meters() / toMeters));
      }
      if (s.withHash()) {
        item.add(Reply.integer((long) p.score()));
      }
      if (s.withCoord()) {
        item.add(Reply.array(List.of(coordinate(p.lon()), coordinate(p.lat()))));
      }
      out.add(Reply.array(item));
    }
    return Reply.array(out);
  }

  /**
   * The points within the shape, cell by cell in Redis's order (a cell the same as the one scanned before
   * it is skipped), each cell's in score order. With ANY, stops at COUNT points.
   */
  private static List<Point> scan(Call c, Search s) throws IOException {
    List<Point> found = new ArrayList<>();
    long limit = s.any() ? s.count() : 0;
    Cell previous = null;
    for (Cell cell : GeoHash.cover(s.shape())) {
      if (cell.isNone() || cell.equals(previous)) {
        continue;
      }
      if (limit > 0 && found.size() >= limit) {
        break;
      }
      ScoreRange range = new ScoreRange(cell.minScore(), false, cell.maxScore(), true);
      ZRanges.walk(c, s.source(), s.meta(), range, false, e -> {
        double[] p = GeoHash.position(e.score());
        double meters = GeoHash.distanceWithin(s.shape(), p[0], p[1]);
        if (meters >= 0) {
          found.add(new Point(e.member(), e.score(), p[0], p[1], meters));
        }
        return limit == 0 || found.size() < limit;
      });
      previous = cell;
    }
    return found;
  }

  /** A distance as Redis writes it: a bulk string with four decimals. */
  private static Reply distance(double d) {
    return Reply.bulk(fixed(d, 4));
  }

  /** A coordinate as Redis writes it: 17 decimals, trailing zeros cut; a double in RESP3. */
  private static Reply coordinate(double d) {
    String text = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
    int end = text.length();
    while (text.charAt(end - 1) == '0') {
      end--;
    }
    if (text.charAt(end - 1) == '.') {
      end--;
    }
    text = text.substring(0, end);
    return new Reply.Dbl(d, text.equals("-0") ? "0" : text);
  }

  /** C's {@code %.Nf}: the exact binary value rounded to {@code decimals} places; {@code inf} for infinities. */
  private static String fixed(double d, int decimals) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "inf" : "-inf";
    }
    String text = new BigDecimal(d).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    return d < 0 || d == 0 && 1 / d < 0 ? (text.startsWith("-") ? text : "-" + text) : text;
  }
}
