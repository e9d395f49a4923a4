package io.comdb.types;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.luaj.vm2.Prototype;

/**
 * Redis 7 function libraries: the ones loaded, by name, and their file. Libraries change only on the
 * writer (FUNCTION LOAD, DELETE, FLUSH, RESTORE), which replaces the whole map, so readers (FCALL_RO) see
 * one version or the next.
 *
 * <p>They persist in {@code FUNCTIONS} in the data directory, rewritten whole through a temp file, fsync
 * and an atomic rename on every change. The same bytes are FUNCTION DUMP's payload (docs/resp.md):
 *
 * <pre>
 * magic      "COMDBFN"  7 bytes
 * version    1          1 byte
 * count      libraries  4 bytes, big-endian
 * library    length:4 + the library's source (UTF-8, starting "#!lua name=...")   × count
 * crc        CRC32C of everything before it, 4 bytes
 * </pre>
 *
 * They are node-local, as Redis Cluster's functions are: load them on every node of a cluster.
 */
final class Functions {
  static final String FILE = "FUNCTIONS";
  private static final byte[] MAGIC = "COMDBFN".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 1;

  /** A registered function: its name, description (or null), flags and the library that holds it. */
  record Function(String name, String description, Set<String> flags, Library library) {
    boolean noWrites() {
      return flags.contains("no-writes");
    }
  }

  /**
   * A library: its source, compiled, and its functions in the order it registered them. Equal only to
   * itself (a class, not a record): each thread's Lua instances of it are kept by identity.
   */
  static final class Library {
    private final String name;
    private final byte[] source;
    private final Prototype body;
    private final List<Function> functions;

    Library(String name, byte[] source, Prototype body, List<Function> functions) {
      this.name = name;
      this.source = source;
      this.body = body;
      this.functions = functions;
    }

    String name() {
      return name;
    }

    byte[] source() {
      return source;
    }

    Prototype body() {
      return body;
    }

    List<Function> functions() {
      return functions;
    }
  }

  private volatile Map<String, Library> libraries = Map.of();
  private volatile Map<String, Function> functions = Map.of();
  private Path dir;

  /** Reads the libraries of {@code dir}'s FUNCTIONS file, if there is one, compiling each with {@code loader}. */
  void open(Path dir, java.util.function.Function<byte[], Library> loader) throws IOException {
    this.dir = dir;
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(dir.resolve(FILE));
    } catch (NoSuchFileException e) {
      return;
    }
    List<byte[]> sources = decode(bytes);
    if (sources == null) {
      throw new IOException(dir.resolve(FILE) + " is corrupt: its header or checksum is wrong");
    }
    Map<String, Library> loaded = new LinkedHashMap<>();
    for (byte[] source : sources) {
      Library library = loader.apply(source);
      loaded.put(library.name(), library);
    }
    set(loaded);
  }

  Library library(String name) {
    return libraries.get(name);
  }

  Function function(String name) {
    return functions.get(name);
  }

  Map<String, Library> libraries() {
    return libraries;
  }

  /** Replaces the libraries and writes them to the file before they serve any FCALL. */
  void replace(Map<String, Library> next) throws IOException {
    if (dir != null) {
      write(dir, encode(next.values()));
    }
    set(next);
  }

  private void set(Map<String, Library> next) {
    Map<String, Function> byName = new LinkedHashMap<>();
    for (Library l : next.values()) {
      for (Function f : l.functions()) {
        byName.put(f.name(), f);
      }
    }
    libraries = Collections.unmodifiableMap(new LinkedHashMap<>(next));
    functions = Collections.unmodifiableMap(byName);
  }

  /** The file's bytes, which are also FUNCTION DUMP's payload. */
  static byte[] encode(java.util.Collection<Library> libraries) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(MAGIC);
      out.writeByte(VERSION);
      out.writeInt(libraries.size());
      for (Library l : libraries) {
        out.writeInt(l.source().length);
        out.write(l.source());
      }
      CRC32C crc = new CRC32C();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory cannot fail", e);
    }
  }

  /** The library sources of a payload, or null if it is not one of ComDB's or is damaged. */
  static List<byte[]> decode(byte[] payload) {
    if (payload.length < MAGIC.length + 1 + 4 + 4
        || !Arrays.equals(Arrays.copyOf(payload, MAGIC.length), MAGIC) || payload[MAGIC.length] != VERSION) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, payload.length - 4);
    ByteBuffer b = ByteBuffer.wrap(payload);
    if (b.getInt(payload.length - 4) != (int) crc.getValue()) {
      return null;
    }
    b.position(MAGIC.length + 1);
    int count = b.getInt();
    List<byte[]> sources = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (b.remaining() < 8) {
        return null;
      }
      int length = b.getInt();
      if (length < 0 || length > b.remaining() - 4) {
        return null;
      }
      byte[] source = new byte[length];
      b.get(source);
      sources.add(source);
    }
    return b.remaining() == 4 ? sources : null;
  }

  private static void write(Path dir, byte[] bytes) throws IOException {
    Path temp = dir.resolve(FILE + ".tmp");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true); // the rename itself survives a power loss
    }
  }
}
