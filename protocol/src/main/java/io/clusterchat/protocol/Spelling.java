package io.clusterchat.protocol;

/** The two spellings of a frame: text lines for people, JSON objects for programs. */
public enum Spelling {
  TEXT,
  JSON
}
