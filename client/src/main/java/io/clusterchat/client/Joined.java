package io.clusterchat.client;

/**
 * The answer to JOIN.
 *
 * @param group the group's full address, {@code #name@region}
 * @param latest the highest seq in the group's log when the user joined: what comes after it is the user's to see
 */
public record Joined(String group, long latest) {
}
