package io.comdb.verticles;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.vertx.core.Context;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;

/**
 * A client that sends its commands and then shuts its side down ({@code printf ... | nc}) still gets
 * every answer: the socket stays open for writing after the client's end of input, and the protocol is
 * told, to close it once it has answered everything. Without this, the end of input closes the socket at
 * once and the answers of commands still at the writer are lost.
 */
public final class HalfClose {
  private HalfClose() {}

  /** Keeps {@code socket} writable after its input ends, and runs {@code ended} on {@code context} then. */
  public static void onInputEnd(NetSocket socket, Context context, Runnable ended) {
    ChannelHandlerContext vertx = ((NetSocketInternal) socket).channelHandlerContext();
    vertx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    vertx.pipeline().addBefore(vertx.name(), "comdb-input-end", new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
          context.runOnContext(v -> ended.run());
        } else {
          ctx.fireUserEventTriggered(event);
        }
      }
    });
  }
}
