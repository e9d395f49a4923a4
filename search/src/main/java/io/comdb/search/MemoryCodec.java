package io.comdb.search;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The values of the records {@link MemoryKeys} names. Each starts with a format byte (1); strings are a
 * 4-byte length and UTF-8, -1 for null; metadata is its JSON text, empty for none.
 */
final class MemoryCodec {
  private static final byte FORMAT = 1;

  private MemoryCodec() {}

  /** The space record: its settings and the next sequence number to give out. */
  record SpaceRecord(long capacity, long createdAt, long nextSeq, String compressor, CompressionPolicy compression) {
    SpaceRecord withCapacity(long c) {
      return new SpaceRecord(c, createdAt, nextSeq, compressor, compression);
    }

    SpaceRecord withNextSeq(long n) {
      return new SpaceRecord(capacity, createdAt, n, compressor, compression);
    }

    SpaceRecord withCompressor(String endpoint) {
      return new SpaceRecord(capacity, createdAt, nextSeq, endpoint, compression);
    }

    SpaceRecord withCompression(CompressionPolicy policy) {
      return new SpaceRecord(capacity, createdAt, nextSeq, compressor, policy);
    }
  }

  /** Tags the optional tail of a space record that holds its {@link CompressionPolicy}. */
  private static final byte COMPRESSION = 1;

  static byte[] encodeSpace(SpaceRecord space) {
    byte[] compressor = utf8(space.compressor());
    CompressionPolicy policy = space.compression() == null ? CompressionPolicy.NONE : space.compression();
    byte[] prompt = utf8(policy.prompt());
    int tail = policy.equals(CompressionPolicy.NONE) ? 0 : 1 + 4 + 8 + 4 + (prompt == null ? 0 : prompt.length);
    ByteBuffer b = ByteBuffer.allocate(1 + 8 * 3 + 4 + (compressor == null ? 0 : compressor.length) + tail);
    b.put(FORMAT).putLong(space.capacity()).putLong(space.createdAt()).putLong(space.nextSeq());
    putBytes(b, compressor);
    if (tail > 0) {
      b.put(COMPRESSION).putInt(policy.batch() == null ? -1 : policy.batch()).putLong(policy.minAgeMs() == null ? -1 : policy.minAgeMs());
      putBytes(b, prompt);
    }
    return b.array();
  }

  static SpaceRecord decodeSpace(byte[] value) {
    try {
      ByteBuffer b = open(value);
      long capacity = b.getLong();
      long createdAt = b.getLong();
      long nextSeq = b.getLong();
      String compressor = getString(b);
      CompressionPolicy policy = CompressionPolicy.NONE;
      if (b.hasRemaining() && b.get() == COMPRESSION) { // records written before compression settings have none
        int batch = b.getInt();
        long minAge = b.getLong();
        policy = new CompressionPolicy(batch < 0 ? null : batch, minAge < 0 ? null : minAge, getString(b));
      }
      return new SpaceRecord(capacity, createdAt, nextSeq, compressor, policy);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw corrupt("space", e);
    }
  }

  static byte[] encodeMemory(Memory memory) {
    byte[] text = memory.text().getBytes(StandardCharsets.UTF_8);
    byte[] metadata = metadataBytes(memory.metadata());
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + text.length + 4 + metadata.length);
    b.put(FORMAT).putLong(memory.createdAt());
    putBytes(b, text);
    putBytes(b, metadata);
    return b.array();
  }

  static Memory decodeMemory(long seq, byte[] value) {
    try {
      return readMemory(MemoryKeys.id(seq), open(value));
    } catch (BufferUnderflowException | IllegalArgumentException | DecodeException e) {
      throw corrupt("memory", e);
    }
  }

  /** The memories a compression replaced, with their ids, oldest first. */
  static byte[] encodeHistory(List<Memory> originals) {
    List<byte[]> parts = new ArrayList<>();
    int size = 1 + 4;
    for (Memory m : originals) {
      byte[] id = utf8(m.id());
      byte[] memory = encodeMemory(m);
      parts.add(id);
      parts.add(memory);
      size += 4 + id.length + memory.length - 1;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(FORMAT).putInt(originals.size());
    for (int i = 0; i < parts.size(); i += 2) {
      putBytes(b, parts.get(i));
      b.put(parts.get(i + 1), 1, parts.get(i + 1).length - 1); // without its format byte
    }
    return b.array();
  }

  static List<Memory> decodeHistory(byte[] value) {
    try {
      ByteBuffer b = open(value);
      int n = b.getInt();
      if (n < 0 || n > value.length) {
        throw new IllegalArgumentException("count " + n);
      }
      List<Memory> originals = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        originals.add(readMemory(getString(b), b));
      }
      return originals;
    } catch (BufferUnderflowException | IllegalArgumentException | DecodeException e) {
      throw corrupt("history", e);
    }
  }

  /** An embedding, tagged with the model that computed it so that a change of model recomputes it. */
  static byte[] encodeVector(String model, float[] vector) {
    byte[] name = utf8(model);
    ByteBuffer b = ByteBuffer.allocate(1 + 4 + name.length + 4 + 4 * vector.length);
    b.put(FORMAT);
    putBytes(b, name);
    b.putInt(vector.length);
    for (float f : vector) {
      b.putFloat(f);
    }
    return b.array();
  }

  /** The embedding, or null if {@code model} did not compute it. */
  static float[] decodeVector(String model, byte[] value) {
    try {
      ByteBuffer b = open(value);
      if (!model.equals(getString(b))) {
        return null;
      }
      int n = b.getInt();
      if (n < 0 || n * 4L != b.remaining()) {
        throw new IllegalArgumentException("dimensions " + n);
      }
      float[] vector = new float[n];
      for (int i = 0; i < n; i++) {
        vector[i] = b.getFloat();
      }
      return vector;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw corrupt("vector", e);
    }
  }

  static byte[] metadataBytes(JsonObject metadata) {
    return metadata.isEmpty() ? new byte[0] : metadata.encode().getBytes(StandardCharsets.UTF_8);
  }

  private static Memory readMemory(String id, ByteBuffer b) {
    long createdAt = b.getLong();
    String text = getString(b);
    String metadata = getString(b);
    if (text == null || metadata == null) {
      throw new IllegalArgumentException("missing text or metadata");
    }
    return new Memory(id, text, metadata.isEmpty() ? new JsonObject() : new JsonObject(metadata), createdAt);
  }

  private static ByteBuffer open(byte[] value) {
    ByteBuffer b = ByteBuffer.wrap(value);
    byte format = b.get();
    if (format != FORMAT) {
      throw new IllegalArgumentException("format " + format);
    }
    return b;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static void putBytes(ByteBuffer b, byte[] bytes) {
    if (bytes == null) {
      b.putInt(-1);
    } else {
      b.putInt(bytes.length).put(bytes);
    }
  }

  private static String getString(ByteBuffer b) {
    int n = b.getInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("length " + n);
    }
    String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
    b.position(b.position() + n);
    return s;
  }

  private static IllegalStateException corrupt(String what, Exception e) {
    return new IllegalStateException("corrupt " + what + " record: " + e.getMessage(), e);
  }
}
