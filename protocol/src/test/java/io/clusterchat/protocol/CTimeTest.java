package io.clusterchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** CTime: the {@code <ctime>} of PROTOCOL.md, as C's {@code ctime()} writes it. */
class CTimeTest {

  private static final int YEAR = 2026;
  private static final int HOUR = 8;
  private static final int MINUTE = 44;
  private static final int SECOND = 40;
  /** Upper bound on waiting for python3: a guard against a hung process, not a timing assertion. */
  private static final long PYTHON_WAIT_SECONDS = 60;

  /** Seconds since the epoch covering padded and unpadded days, every month, leap days and 32-bit limits. */
  private static final long[] EPOCHS = {
      0L, 1L, 59L, 86_399L, 951_782_400L, 1_000_000_000L, 1_234_567_890L, 1_709_164_800L,
      1_795_337_080L, 1_793_609_080L, 2_147_483_647L, 2_147_483_648L, 4_102_444_799L, -1L, -86_400L};

  private static ZonedDateTime utc(int year, Month month, int day) {
    return ZonedDateTime.of(year, month.getValue(), day, HOUR, MINUTE, SECOND, 0, ZoneOffset.UTC);
  }

  @Test
  void twoDigitDay() {
    assertThat(CTime.format(utc(YEAR, Month.NOVEMBER, 22))).isEqualTo("Sun Nov 22 08:44:40 2026");
  }

  @Test
  void oneDigitDayIsPaddedWithASpace() {
    assertThat(CTime.format(utc(YEAR, Month.NOVEMBER, 2))).isEqualTo("Mon Nov  2 08:44:40 2026");
  }

  @Test
  void midnightAndNanosecondsDropped() {
    ZonedDateTime time = ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 999_999_999, ZoneOffset.UTC);

    assertThat(CTime.format(time)).isEqualTo("Thu Jan  1 00:00:00 1970");
  }

  @Test
  void lastSecondOfTheDay() {
    ZonedDateTime time = ZonedDateTime.of(1999, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC);

    assertThat(CTime.format(time)).isEqualTo("Fri Dec 31 23:59:59 1999");
  }

  @Test
  void everyMonthIsThreeEnglishLetters() {
    List<String> months = new ArrayList<>();
    for (Month month : Month.values()) {
      months.add(CTime.format(utc(YEAR, month, 1)).substring(4, 7));
    }

    assertThat(months)
        .containsExactly("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
  }

  @Test
  void everyWeekdayIsThreeEnglishLetters() {
    // 2026-11-01 is a Sunday.
    List<String> days = new ArrayList<>();
    for (int day = 1; day <= 7; day++) {
      days.add(CTime.format(utc(YEAR, Month.NOVEMBER, day)).substring(0, 3));
    }

    assertThat(days).containsExactly("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat");
  }

  /**
   * CTime's formatter is built once, when the class is initialised, so this loads a fresh copy of the class in its
   * own class loader while the default locale is German ("Sa. Mai" if the formatter followed it).
   */
  @Test
  void defaultLocaleDoesNotMatter() throws Exception {
    Locale saved = Locale.getDefault();
    URL classes = CTime.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
      Locale.setDefault(Locale.GERMANY);
      Class<?> fresh = Class.forName(CTime.class.getName(), true, loader);
      assertThat(fresh).isNotSameAs(CTime.class);

      Object formatted = fresh.getMethod("format", ZonedDateTime.class).invoke(null, utc(YEAR, Month.MAY, 2));

      assertThat(formatted).isEqualTo("Sat May  2 08:44:40 2026");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void formatsTheLocalTimeOfTheGivenZone() {
    Instant instant = utc(YEAR, Month.NOVEMBER, 22).toInstant();

    assertThat(CTime.format(instant.atZone(ZoneId.of("Asia/Tokyo")))).isEqualTo("Sun Nov 22 17:44:40 2026");
    assertThat(CTime.format(instant.atZone(ZoneId.of("America/Los_Angeles")))).isEqualTo("Sun Nov 22 00:44:40 2026");
    assertThat(CTime.format(instant.atZone(ZoneId.of("Pacific/Honolulu")))).isEqualTo("Sat Nov 21 22:44:40 2026");
  }

  @Test
  void nowUsesTheClockAndItsZone() {
    Instant instant = utc(YEAR, Month.NOVEMBER, 2).toInstant();

    assertThat(CTime.now(Clock.fixed(instant, ZoneOffset.UTC))).isEqualTo("Mon Nov  2 08:44:40 2026");
    assertThat(CTime.now(Clock.fixed(instant, ZoneOffset.ofHours(-9)))).isEqualTo("Sun Nov  1 23:44:40 2026");
  }

  @Test
  void nowHasTheShapeOfCtime() {
    assertThat(CTime.now())
        .matches("[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123][0-9] [0-2][0-9]:[0-5][0-9]:[0-6][0-9] [0-9]{4}");
  }

  @Test
  void everyDayOfALeapYearHasTheSameWidth() {
    int leapYear = 2028;
    LocalDate day = LocalDate.of(leapYear, 1, 1);
    while (day.getYear() == leapYear) {
      String formatted = CTime.format(day.atTime(HOUR, MINUTE, SECOND).atZone(ZoneOffset.UTC));
      assertThat(formatted).as("%s", day).hasSize("Sun Nov 22 08:44:40 2026".length());
      day = day.plusDays(1);
    }
  }

  /** Python's {@code time.ctime} follows C's {@code asctime()} format; with TZ=UTC it gives UTC wall time. */
  @Test
  void sameAsPythonTimeCtime() throws Exception {
    List<String> expected = pythonCtime(EPOCHS);
    List<String> actual = LongStream.of(EPOCHS)
        .mapToObj(epoch -> CTime.format(Instant.ofEpochSecond(epoch).atZone(ZoneOffset.UTC)))
        .collect(Collectors.toList());

    assertThat(actual).containsExactlyElementsOf(expected);
  }

  private static List<String> pythonCtime(long[] epochs) throws IOException, InterruptedException {
    String script = "import sys, time\n"
        + "for e in sys.argv[1:]:\n"
        + "    print(time.ctime(int(e)))\n";
    List<String> command = new ArrayList<>(List.of("python3", "-c", script));
    LongStream.of(epochs).mapToObj(Long::toString).forEach(command::add);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("TZ", "UTC");
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      Assumptions.assumeTrue(false, "python3 is not available: " + e.getMessage());
      throw e;
    }
    process.getOutputStream().close();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    boolean exited = process.waitFor(PYTHON_WAIT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    Assumptions.assumeTrue(exited && process.exitValue() == 0, () -> "python3 did not run: " + output);
    return output.lines().collect(Collectors.toList());
  }
}
