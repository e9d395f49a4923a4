package io.comdb.search;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * The analysis of memory text and queries: English (possessives, stop words, Porter stemming) and CJK in
 * one chain. The standard tokenizer splits Han, Hiragana, Katakana and Hangul into single characters;
 * {@link CJKBigramFilter} joins neighbours into overlapping bigrams, the usual dictionary-free indexing of
 * Chinese and Japanese (ComDB used jieba's dictionary segmentation instead: bigrams find every word a
 * dictionary would, and some false matches a dictionary would not). Latin tokens pass the CJK filters
 * untouched, so mixed text works.
 */
final class TextAnalyzer extends Analyzer {
  @Override
  protected TokenStreamComponents createComponents(String fieldName) {
    StandardTokenizer source = new StandardTokenizer();
    TokenStream result = new CJKWidthFilter(source);
    result = new LowerCaseFilter(result);
    result = new CJKBigramFilter(result);
    result = new EnglishPossessiveFilter(result);
    result = new StopFilter(result, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    result = new PorterStemFilter(result);
    return new TokenStreamComponents(source, result);
  }

  @Override
  protected TokenStream normalize(String fieldName, TokenStream in) {
    return new LowerCaseFilter(new CJKWidthFilter(in));
  }
}
