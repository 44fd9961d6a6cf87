package io.clusterchat.protocol;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Local time as C's {@code ctime()} writes it, without the trailing newline: {@code Sun Nov 22 08:44:40 2026},
 * the day of the month padded with a space to two characters ({@code Mon Nov  2 08:44:40 2026}).
 */
public final class CTime {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  private CTime() {
  }

  public static String now() {
    return format(ZonedDateTime.now());
  }

  public static String now(Clock clock) {
    return format(ZonedDateTime.now(clock));
  }

  public static String format(ZonedDateTime time) {
    return FORMAT.format(time);
  }
}
