package io.comdb.verticles.api;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/** Registers the codec of every message of the API, once per Vert.x instance (each node of a cluster). */
public final class Codecs {
  private static final String REGISTERED = "comdb.codecs.registered";

  private Codecs() {}

  /** Every codec of the API. */
  public static List<WireCodec<?>> all() {
    List<WireCodec<?>> all = new ArrayList<>(Kv.codecs());
    all.addAll(Admin.codecs());
    all.addAll(Redis.codecs());
    return all;
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
