package io.clusterchat.client;

/** One message of a conversation's history, in either direction. */
public record HistoryItem(String msg, String from, String to, long ts, String text) {
}
