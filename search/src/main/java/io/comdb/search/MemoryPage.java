package io.comdb.search;

import java.util.List;

/** A page of memories, newest first; {@code nextCursor} fetches the next page, null after the last. */
public record MemoryPage(List<Memory> memories, String nextCursor) {}
