package io.comdb.verticles.http;

import io.comdb.engine.LimitExceededException;
import io.comdb.verticles.api.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/** Writes JSON answers, and maps every failure to one HTTP status and a JSON error body, in one place. */
final class HttpReplies {
  private static final System.Logger LOG = System.getLogger(HttpReplies.class.getName());

  private HttpReplies() {}

  /** A bad request, with the reason for the client; thrown by handlers, answered 400. */
  static final class BadRequest extends IllegalArgumentException {
    BadRequest(String message) {
      super(message);
    }
  }

  static void json(RoutingContext ctx, Object body) {
    json(ctx, 200, body);
  }

  /** JSON with a trailing newline, as Go's {@code json.Encoder} writes it (ComDB's server did). */
  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(Json.encode(body)).appendString("\n"));
  }

  static void error(RoutingContext ctx, int status, String message) {
    if (ctx.response().ended()) {
      return;
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    json(ctx, status, new JsonObject().put("error", message).put("status", status));
  }

  /** Answers a failure with its status and a text written for clients: never a Java exception's own text. */
  static void fail(RoutingContext ctx, Throwable error) {
    int status = status(error);
    if (status == 500 && !(error instanceof ReplyException)) {
      LOG.log(System.Logger.Level.ERROR, "HTTP " + ctx.request().method() + " " + ctx.request().path() + " failed", error);
    }
    error(ctx, status, message(error, status));
  }

  private static String message(Throwable error, int status) {
    if (error instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT -> "the server did not answer in time; the request may or may not have run";
        case NO_HANDLERS -> "the service for this request is not running (the server is starting or stopping)";
        default -> Failure.of(reply.failureCode()) != null ? String.valueOf(reply.getMessage()) : "the request failed (see the server log)";
      };
    }
    if (error instanceof HttpException http) {
      return status == 400 ? "malformed request: bad percent-encoding or syntax in the URI, or an unreadable body"
          : http.getPayload() != null ? http.getPayload() : "request failed with status " + status;
    }
    if (error instanceof NumberFormatException) {
      return "a number was expected";
    }
    if (error instanceof LimitExceededException || error instanceof IllegalArgumentException) {
      return String.valueOf(error.getMessage()); // ComDB's own texts: limits, bad arguments
    }
    if (error instanceof IllegalStateException) {
      return "the engine is not open (the server is starting or stopping)";
    }
    return "internal error (see the server log)";
  }

  static int status(Throwable error) {
    if (error instanceof HttpException http) {
      return http.getStatusCode();
    }
    if (error instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.TIMEOUT) {
        return 504;
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS) {
        return 503;
      }
      Failure failure = Failure.of(reply.failureCode());
      return failure == null ? 500 : status(failure);
    }
    if (error instanceof LimitExceededException) {
      return 413;
    }
    if (error instanceof IllegalArgumentException) {
      return 400;
    }
    if (error instanceof IllegalStateException) {
      return 503; // the engine is closed, or not deployed (yet)
    }
    return status(Failure.of(error));
  }

  static int status(Failure failure) {
    switch (failure) {
      case INVALID_ARGUMENT:
        return 400;
      case TOO_LARGE:
        return 413;
      case UNAVAILABLE:
      case BUSY:
      case NOT_OWNER:
      case NO_QUORUM:
      case INDEX_REBUILDING:
        return 503;
      case CROSS_SLOT:
        return 400;
      case OUT_OF_MEMORY:
        return 507;
      case NOT_FOUND:
        return 404;
      case UPSTREAM_ERROR:
        return 502;
      case STORAGE_ERROR:
      case CORRUPT_DATA:
      default:
        return 500;
    }
  }
}
