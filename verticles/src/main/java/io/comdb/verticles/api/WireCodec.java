package io.comdb.verticles.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The codec of one message type: identity for local delivery (no copy: the bodies are immutable records,
 * and senders hand over the arrays in them), a compact binary form on the wire (a length, then the
 * fields as {@link Wire} writes them).
 */
public final class WireCodec<T> implements MessageCodec<T, T> {
  private final Class<T> type;
  private final BiConsumer<T, Wire.Writer> encoder;
  private final Function<Wire.Reader, T> decoder;
  /** {@link #name()}: asked for on every message sent. */
  private final String name;

  public WireCodec(Class<T> type, BiConsumer<T, Wire.Writer> encoder, Function<Wire.Reader, T> decoder) {
    this.type = type;
    this.encoder = encoder;
    this.decoder = decoder;
    this.name = "comdb." + type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
  }

  /** A codec for a message that never leaves its JVM (it carries code or futures): its wire form throws. */
  static <T> WireCodec<T> localOnly(Class<T> type) {
    return new WireCodec<>(type, (m, w) -> {
      throw new IllegalStateException(type.getSimpleName() + " messages are local: they do not cross the wire");
    }, r -> {
      throw new IllegalStateException(type.getSimpleName() + " messages are local: they do not cross the wire");
    });
  }

  public Class<T> type() {
    return type;
  }

  BiConsumer<T, Wire.Writer> encoder() {
    return encoder;
  }

  Function<Wire.Reader, T> decoder() {
    return decoder;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    int start = buffer.length();
    buffer.appendInt(0);
    encoder.accept(message, new Wire.Writer(buffer));
    buffer.setInt(start, buffer.length() - start - Integer.BYTES);
  }

  @Override
  public T decodeFromWire(int position, Buffer buffer) {
    return decoder.apply(new Wire.Reader(buffer, position + Integer.BYTES));
  }

  @Override
  public T transform(T message) {
    return message;
  }

  /** {@code comdb.Kv.Get} and so on: unique, as every message is nested in one class of this package. */
  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
