package io.comdb.verticles.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;

/**
 * What Vert.x's HTTP layer answers below any handler, made JSON like every other error. Right behind the
 * HTTP decoder of each connection:
 *
 * <ul>
 *   <li>A request of a version other than HTTP/1.0 and 1.1 ({@code HTTP/9.9}, {@code FOO/1.1}) gets a bare
 *       501 from Vert.x; it is marked undecodable instead, so that it reaches the server's invalid-request
 *       handler.
 *   <li>A body whose framing breaks after the headers were read (a chunk size that is not hex) closes the
 *       connection without an answer in Vert.x; here it gets a JSON 400, then the close.
 * </ul>
 *
 * Installed by the server's connection handler, which runs before the first request is read only while
 * HTTP/2 cleartext upgrade is off.
 */
final class HttpFraming extends ChannelInboundHandlerAdapter {
  private HttpFraming() {}

  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base && base.channelHandlerContext().pipeline().get("httpDecoder") != null) {
      base.channelHandlerContext().pipeline().addAfter("httpDecoder", "comdb-framing", new HttpFraming());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (message instanceof HttpRequest request && request.decoderResult().isSuccess() && !known(request.protocolVersion())) {
      request.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("unsupported HTTP version")));
    } else if (message instanceof HttpContent content && content.decoderResult().isFailure()) {
      ReferenceCountUtil.release(content);
      byte[] body = "{\"error\":\"the request's body is not well framed (Content-Length or chunks)\",\"status\":400}\n"
          .getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(body));
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.CONNECTION, "close");
      ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE); // through the encoder, from the tail
      return;
    }
    ctx.fireChannelRead(message);
  }

  private static boolean known(HttpVersion version) {
    return version.protocolName().equals("HTTP") && version.majorVersion() == 1 && version.minorVersion() <= 1;
  }
}
