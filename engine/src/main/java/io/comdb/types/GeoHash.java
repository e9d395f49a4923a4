package io.comdb.types;

import java.util.List;

/**
 * Redis's geohash, so that GEO commands store and answer what Redis does. A position is a 52-bit cell
 * (26 steps of halving longitude and latitude, interleaved: latitude in the even bits, longitude in the
 * odd ones) over longitudes -180..180 and the Web Mercator latitudes -85.05112878..85.05112878; the cell,
 * as an integer, is the member's score in the sorted set. A search covers its shape with the cell of the
 * centre at a coarser step and that cell's eight neighbours, each a score range of the set.
 *
 * <p>Distances are haversine over a sphere of Redis's radius (6,372,797.560856 m), computed with
 * {@link StrictMath} so that every JVM answers alike.
 */
final class GeoHash {
  static final double LON_MIN = -180;
  static final double LON_MAX = 180;
  static final double LAT_MIN = -85.05112878;
  static final double LAT_MAX = 85.05112878;
  static final int STEP_MAX = 26;
  static final double EARTH_RADIUS_METERS = 6372797.560856;
  private static final double MERCATOR_MAX = 20037726.37;
  private static final double DEG_TO_RAD = Math.PI / 180.0;
  private static final String BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

  private GeoHash() {}

  /** A cell: {@code step} halvings of each axis, as 2 x step interleaved bits. Zero bits and step: no cell. */
  record Cell(long bits, int step) {
    static final Cell NONE = new Cell(0, 0);

    boolean isNone() {
      return bits == 0 && step == 0;
    }

    /** The lowest score inside the cell (the highest is the next cell's lowest, excluded). */
    long minScore() {
      return bits << (52 - step * 2);
    }

    long maxScore() {
      return (bits + 1) << (52 - step * 2);
    }
  }

  /** A cell's bounds in degrees. */
  record Area(double lonMin, double lonMax, double latMin, double latMax) {}

  /** What a search covers: a circle of {@code radius}, or a {@code width} x {@code height} box, in units of {@code toMeters} meters. */
  record Shape(double lon, double lat, boolean box, double radius, double width, double height, double toMeters) {}

  /** The cell of a position at {@code step} over the given ranges (GEOHASH re-encodes over latitudes -90..90). */
  static Cell encode(double lon, double lat, int step, double latMin, double latMax) {
    double latOffset = (lat - latMin) / (latMax - latMin) * (1L << step);
    double lonOffset = (lon - LON_MIN) / (LON_MAX - LON_MIN) * (1L << step);
    return new Cell(spread((long) latOffset & 0xFFFFFFFFL) | spread((long) lonOffset & 0xFFFFFFFFL) << 1, step);
  }

  static Cell encode(double lon, double lat, int step) {
    return encode(lon, lat, step, LAT_MIN, LAT_MAX);
  }

  /** The score a position is stored under. */
  static long score(double lon, double lat) {
    return encode(lon, lat, STEP_MAX).minScore();
  }

  static Area decode(Cell cell) {
    long lat = compact(cell.bits());
    long lon = compact(cell.bits() >>> 1);
    double cells = 1L << cell.step();
    return new Area(LON_MIN + lon / cells * (LON_MAX - LON_MIN), LON_MIN + (lon + 1) / cells * (LON_MAX - LON_MIN),
        LAT_MIN + lat / cells * (LAT_MAX - LAT_MIN), LAT_MIN + (lat + 1) / cells * (LAT_MAX - LAT_MIN));
  }

  /** The position a score stands for: its cell's centre, {longitude, latitude}. */
  static double[] position(double score) {
    Area a = decode(new Cell((long) score, STEP_MAX));
    double lon = Math.max(LON_MIN, Math.min(LON_MAX, (a.lonMin() + a.lonMax()) / 2));
    double lat = Math.max(LAT_MIN, Math.min(LAT_MAX, (a.latMin() + a.latMax()) / 2));
    return new double[] {lon, lat};
  }

  /** The standard 11-character geohash of a score's position (latitudes -90..90; the 11th character is always 0). */
  static String text(double score) {
    double[] p = position(score);
    long bits = encode(p[0], p[1], STEP_MAX, -90, 90).bits();
    StringBuilder out = new StringBuilder(11);
    for (int i = 0; i < 10; i++) {
      out.append(BASE32.charAt((int) (bits >>> (52 - (i + 1) * 5)) & 0x1f));
    }
    return out.append('0').toString();
  }

  static double distance(double lon1, double lat1, double lon2, double lat2) {
    double lat1r = lat1 * DEG_TO_RAD;
    double lon1r = lon1 * DEG_TO_RAD;
    double lat2r = lat2 * DEG_TO_RAD;
    double lon2r = lon2 * DEG_TO_RAD;
    double u = StrictMath.sin((lat2r - lat1r) / 2);
    double v = StrictMath.sin((lon2r - lon1r) / 2);
    return 2.0 * EARTH_RADIUS_METERS * StrictMath.asin(Math.sqrt(u * u + StrictMath.cos(lat1r) * StrictMath.cos(lat2r) * v * v));
  }

  /** The distance in meters from the shape's centre to a position, or -1 when the position is outside the shape. */
  static double distanceWithin(Shape s, double lon, double lat) {
    if (s.box()) {
      if (distance(lon, lat, s.lon(), lat) > s.width() * s.toMeters() / 2 || distance(lon, lat, lon, s.lat()) > s.height() * s.toMeters() / 2) {
        return -1;
      }
      return distance(s.lon(), s.lat(), lon, lat);
    }
    double d = distance(s.lon(), s.lat(), lon, lat);
    return d > s.radius() * s.toMeters() ? -1 : d;
  }

  /**
   * The cells a search scans, in Redis's order: the centre's cell, then north, south, east, west,
   * north-east, north-west, south-east, south-west; {@link Cell#NONE} for a neighbour that cannot hold a
   * match. The step is the finest at which the nine cover the shape's bounding box.
   */
  static List<Cell> cover(Shape s) {
    double heightMeters = s.toMeters() * (s.box() ? s.height() / 2 : s.radius());
    double widthMeters = s.toMeters() * (s.box() ? s.width() / 2 : s.radius());
    double latDelta = heightMeters / EARTH_RADIUS_METERS / DEG_TO_RAD;
    double lonDeltaTop = widthMeters / EARTH_RADIUS_METERS / StrictMath.cos((s.lat() + latDelta) * DEG_TO_RAD) / DEG_TO_RAD;
    double lonDeltaBottom = widthMeters / EARTH_RADIUS_METERS / StrictMath.cos((s.lat() - latDelta) * DEG_TO_RAD) / DEG_TO_RAD;
    boolean south = s.lat() < 0; // the box is widest on the side nearer the equator
    double minLon = s.lon() - (south ? lonDeltaBottom : lonDeltaTop);
    double maxLon = s.lon() + (south ? lonDeltaBottom : lonDeltaTop);
    double minLat = s.lat() - latDelta;
    double maxLat = s.lat() + latDelta;

    double radiusMeters = s.box() ? Math.sqrt(s.width() / 2 * (s.width() / 2) + s.height() / 2 * (s.height() / 2)) : s.radius();
    int step = estimateStep(radiusMeters * s.toMeters(), s.lat());
    Cell centre = encode(s.lon(), s.lat(), step);
    Cell[] n = neighbours(centre);
    // A neighbour may still fall short of the box's edge: then one step coarser.
    if (step > 1 && (decode(n[0]).latMax() < maxLat || decode(n[1]).latMin() > minLat
        || decode(n[2]).lonMax() < maxLon || decode(n[3]).lonMin() > minLon)) {
      step--;
      centre = encode(s.lon(), s.lat(), step);
      n = neighbours(centre);
    }
    Area area = decode(centre);
    if (step >= 2) { // neighbours beyond the box hold nothing
      if (area.latMin() < minLat) {
        n[1] = n[6] = n[7] = Cell.NONE;
      }
      if (area.latMax() > maxLat) {
        n[0] = n[4] = n[5] = Cell.NONE;
      }
      if (area.lonMin() < minLon) {
        n[3] = n[5] = n[7] = Cell.NONE;
      }
      if (area.lonMax() > maxLon) {
        n[2] = n[4] = n[6] = Cell.NONE;
      }
    }
    return List.of(centre, n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]);
  }

  private static int estimateStep(double meters, double lat) {
    if (meters == 0) {
      return STEP_MAX;
    }
    int step = 1;
    while (meters < MERCATOR_MAX) {
      meters *= 2;
      step++;
    }
    step -= 2; // so that the range fits in most cases
    if (lat > 66 || lat < -66) { // cells narrow towards the poles
      step--;
      if (lat > 80 || lat < -80) {
        step--;
      }
    }
    return Math.max(1, Math.min(STEP_MAX, step));
  }

  /** North, south, east, west, north-east, north-west, south-east, south-west of a cell (wrapping around). */
  private static Cell[] neighbours(Cell c) {
    return new Cell[] {move(c, 0, 1), move(c, 0, -1), move(c, 1, 0), move(c, -1, 0), move(c, 1, 1), move(c, -1, 1),
        move(c, 1, -1), move(c, -1, -1)};
  }

  /** The cell {@code dx} cells east and {@code dy} north, by adding within the odd (longitude) and even (latitude) bits. */
  private static Cell move(Cell c, int dx, int dy) {
    long bits = c.bits();
    int shift = 64 - c.step() * 2;
    bits = moveAxis(bits, dx, 0xaaaaaaaaaaaaaaaaL, shift);
    bits = moveAxis(bits, dy, 0x5555555555555555L, shift);
    return new Cell(bits, c.step());
  }

  private static long moveAxis(long bits, int d, long axisMask, long shift) {
    if (d == 0) {
      return bits;
    }
    long axis = bits & axisMask;
    long other = bits & ~axisMask;
    long fill = ~axisMask >>> shift; // the other axis's bits within the cell: carries run through them
    if (d > 0) {
      axis = axis + (fill + 1);
    } else {
      axis = (axis | fill) - (fill + 1);
    }
    return axis & (axisMask >>> shift) | other;
  }

  /** Spreads the low 32 bits of {@code x} to the even bits of a long. */
  private static long spread(long x) {
    x = (x | x << 16) & 0x0000FFFF0000FFFFL;
    x = (x | x << 8) & 0x00FF00FF00FF00FFL;
    x = (x | x << 4) & 0x0F0F0F0F0F0F0F0FL;
    x = (x | x << 2) & 0x3333333333333333L;
    return (x | x << 1) & 0x5555555555555555L;
  }

  /** Gathers the even bits of {@code x} into the low 32 bits. */
  private static long compact(long x) {
    x &= 0x5555555555555555L;
    x = (x | x >>> 1) & 0x3333333333333333L;
    x = (x | x >>> 2) & 0x0F0F0F0F0F0F0F0FL;
    x = (x | x >>> 4) & 0x00FF00FF00FF00FFL;
    x = (x | x >>> 8) & 0x0000FFFF0000FFFFL;
    return (x | x >>> 16) & 0x00000000FFFFFFFFL;
  }
}
