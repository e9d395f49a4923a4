package io.comdb.launcher;

import io.comdb.search.Embedder;
import io.comdb.search.eval.LocomoEval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code comdb eval locomo DIR}: the memory-search evaluation on LoCoMo conversations. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate memory search.",
    subcommands = EvalCommand.Locomo.class)
final class EvalCommand {
  @Command(name = "locomo", mixinStandardHelpOptions = true,
      description = {"Store each LoCoMo conversation's turns as one agent's memories, ask its questions, and print",
          "'memory-eval mode=<bm25|hybrid> recall@5= recall@10= p95_search_ms= ingest_per_s=' per mode."})
  static final class Locomo implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "Directory of LoCoMo conversation files (*.json).")
    Path dir;

    @Option(names = "--model", defaultValue = "bge-small-en-v15",
        description = "Embedding model of the hybrid mode: bge-small-en-v15 | all-minilm-l6-v2 (default ${DEFAULT-VALUE}).")
    String model;

    @Override
    public Integer call() throws Exception {
      if (!Files.isDirectory(dir)) {
        System.err.println("not a directory: " + dir);
        return 2;
      }
      if (!Embedder.MODELS.contains(model)) {
        System.err.println("--model must be one of " + Embedder.MODELS);
        return 2;
      }
      LocomoEval.evaluate(dir, model, System.out);
      return 0;
    }
  }
}
