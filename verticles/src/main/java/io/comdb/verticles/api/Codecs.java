package io.comdb.verticles.api;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Registers the codec of every message of the API, once per Vert.x instance (each node of a cluster). */
public final class Codecs {
  private static final String REGISTERED = "comdb.codecs.registered";

  private Codecs() {}

  /** Every codec of the API. */
  public static List<WireCodec<?>> all() {
    List<WireCodec<?>> all = new ArrayList<>(Kv.codecs());
    all.addAll(Admin.codecs());
    all.addAll(Redis.codecs());
    all.addAll(Writer.codecs());
    all.addAll(Replica.codecs());
    return all;
  }

  /** The codecs by message type and by name, for messages that hold other messages ({@link Writer.Pass}). */
  private static final class Index {
    static final Map<Class<?>, WireCodec<?>> BY_TYPE = new HashMap<>();
    static final Map<String, WireCodec<?>> BY_NAME = new HashMap<>();

    static {
      for (WireCodec<?> codec : all()) {
        BY_TYPE.put(codec.type(), codec);
        BY_NAME.put(codec.name(), codec);
      }
    }
  }

  /** Writes a message of the API with its codec's name, so that {@link #readTagged} knows what it is. */
  @SuppressWarnings("unchecked")
  static void writeTagged(Wire.Writer w, Object message) {
    WireCodec<Object> codec = (WireCodec<Object>) Index.BY_TYPE.get(message.getClass());
    if (codec == null) {
      throw new IllegalArgumentException("not a message of ComDB's API: " + message.getClass().getName());
    }
    w.string(codec.name());
    codec.encoder().accept(message, w);
  }

  static Object readTagged(Wire.Reader r) {
    String name = r.string();
    WireCodec<?> codec = Index.BY_NAME.get(name);
    if (codec == null) {
      throw new IllegalArgumentException("not a message of ComDB's API: " + name);
    }
    return codec.decoder().apply(r);
  }

  /** Idempotent: any verticle that sends or receives ComDB messages calls it in its start. */
  public static void register(Vertx vertx) {
    if (vertx.sharedData().getLocalMap(REGISTERED).putIfAbsent(REGISTERED, Boolean.TRUE) != null) {
      return;
    }
    EventBus eventBus = vertx.eventBus();
    for (WireCodec<?> codec : all()) {
      register(eventBus, codec);
    }
  }

  private static <T> void register(EventBus eventBus, WireCodec<T> codec) {
    eventBus.registerDefaultCodec(codec.type(), codec);
  }
}
