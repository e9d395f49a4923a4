package io.comdb.search;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.WordlistLoader;

/**
 * The analysis of memory text and queries: English (possessives, stop words, Porter stemming) and CJK in
 * one chain. The stop words are Snowball's English list (174 words: pronouns, auxiliaries, question words),
 * not Lucene's default 33: an agent's memories are conversation, where "she", "did" and "what" carry no
 * meaning and would otherwise make every turn a match (on LoCoMo it raised BM25 recall@5 from 0.53 to 0.58). The standard tokenizer splits Han, Hiragana, Katakana and Hangul into single characters;
 * {@link CJKBigramFilter} joins neighbours into overlapping bigrams, the usual dictionary-free indexing of
 * Chinese and Japanese (ComDB used jieba's dictionary segmentation instead: bigrams find every word a
 * dictionary would, and some false matches a dictionary would not). Latin tokens pass the CJK filters
 * untouched, so mixed text works.
 */
final class TextAnalyzer extends Analyzer {
  private static final CharArraySet STOP_WORDS = snowballEnglish();

  private static CharArraySet snowballEnglish() {
    try (Reader list = new InputStreamReader(SnowballFilter.class.getResourceAsStream("english_stop.txt"), StandardCharsets.UTF_8)) {
      return WordlistLoader.getSnowballWordSet(list);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer source = new StandardTokenizer();
    TokenStream result = new CJKWidthFilter(source);
    result = new LowerCaseFilter(result);
    result = new CJKBigramFilter(result);
    result = new EnglishPossessiveFilter(result);
    result = new StopFilter(result, STOP_WORDS);
    result = new PorterStemFilter(result);
    return new TokenStreamComponents(source, result);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(new CJKWidthFilter(in));
  }
}
