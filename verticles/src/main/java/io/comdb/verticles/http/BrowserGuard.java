package io.comdb.verticles.http;

import io.comdb.config.HttpSection;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps web pages out. A browser lets any page send requests to 127.0.0.1, and a page whose DNS name is
 * rebound to 127.0.0.1 may even read the answers; neither is a client of ComDB's:
 *
 * <ul>
 *   <li>While HTTP is bound to loopback, a request must name this machine's loopback in its {@code Host}
 *       ({@code localhost}, a {@code *.localhost} name, {@code 127.x.x.x} or {@code [::1]}): a rebound
 *       page names its own domain.
 *   <li>A request that may change data (any method but GET, HEAD and OPTIONS) from a page, that is with an
 *       {@code Origin} header, is refused unless that origin is in {@code http.allowedOrigins}.
 * </ul>
 *
 * Both are answered with a JSON 4xx before any route runs. Clients that are not browsers send no
 * {@code Origin} and the {@code Host} they connected to, and pass.
 */
final class BrowserGuard implements Handler<RoutingContext> {
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final boolean loopbackOnly;
  private final Set<String> allowedOrigins;

  BrowserGuard(HttpSection http) {
    this.loopbackOnly = isLoopback(http.host());
    this.allowedOrigins = Set.copyOf(http.allowedOrigins());
  }

  @Override
  public void handle(RoutingContext ctx) {
    String host = ctx.request().getHeader("Host"); // never null here: HttpVerticle answers a request without one
    if (loopbackOnly && !namesLoopback(host)) {
      HttpReplies.error(ctx, 403, "Host '" + host + "' does not name this machine: a server bound to loopback answers "
          + "requests for localhost, 127.0.0.1 and [::1] only (a web page whose DNS was rebound to 127.0.0.1 names its own)");
      return;
    }
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !SAFE.contains(ctx.request().method()) && !allowedOrigins.contains(origin)) {
      HttpReplies.error(ctx, 403, "a web page (Origin: " + origin + ") may not change data here; "
          + "list the origins allowed to in http.allowedOrigins");
      return;
    }
    ctx.next();
  }

  /** Whether a Host header's host part names the loopback: localhost, *.localhost, 127/8 or ::1. */
  static boolean namesLoopback(String header) {
    String host = header.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) { // [::1]:9090
      int close = host.indexOf(']');
      return close > 0 && host.substring(1, close).equals("::1");
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return true;
    }
    return host.matches("127(\\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}");
  }

  private static boolean isLoopback(String bind) {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // the server could not have bound it either
    }
  }
}
