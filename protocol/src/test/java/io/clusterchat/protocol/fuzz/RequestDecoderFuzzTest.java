package io.clusterchat.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.clusterchat.protocol.Command;
import io.clusterchat.protocol.ErrorCode;
import io.clusterchat.protocol.Limits;
import io.clusterchat.protocol.Request;
import io.clusterchat.protocol.RequestDecoder;
import io.clusterchat.protocol.ServerFrame;
import io.clusterchat.protocol.Spelling;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * {@link RequestDecoder} and the answer to what it decodes, for any line in either spelling: decoding never
 * throws; a line is a valid request with every required argument of the right kind, or an invalid one that is
 * answered {@code ERR 400} in the spelling it came in, as exactly one line (JSON replies repeat a valid id).
 *
 * <p>Two targets: raw lines (mostly text requests and broken JSON), and JSON objects built from fuzzed fields, so
 * the fuzzer reaches the JSON path's checks (ops, ids, argument types) quickly.
 */
class RequestDecoderFuzzTest {

  private static final Command[] COMMANDS = Command.values();
  private static final int MAX_FIELDS = 6;
  private static final int MAX_STRING = 80;
  /** Kinds of JSON value a fuzzed field may hold. */
  private static final int VALUE_KINDS = 7;

  @FuzzTest(maxDuration = "20m")
  void anyLineIsOneRequestAnsweredInItsSpelling(FuzzedDataProvider data) {
    String line = data.consumeRemainingAsString();
    if (line.indexOf('\n') >= 0) {
      // The frame parser never hands over a line with an LF in it.
      return;
    }
    check(line, RequestDecoder.decode(line));
  }

  @FuzzTest(maxDuration = "20m")
  void anyJsonObjectIsOneRequestAnsweredInJson(FuzzedDataProvider data) {
    JsonObject frame = new JsonObject();
    if (data.consumeBoolean()) {
      frame.put("op", data.consumeBoolean() ? COMMANDS[data.consumeInt(0, COMMANDS.length - 1)].jsonName()
          : data.consumeString(MAX_STRING));
    }
    if (data.consumeBoolean()) {
      frame.put("id", value(data));
    }
    int fields = data.consumeInt(0, MAX_FIELDS);
    for (int i = 0; i < fields; i++) {
      String name = data.consumeBoolean() ? anyParamName(data) : data.consumeString(MAX_STRING);
      frame.put(name, value(data));
    }
    String line = frame.encode();
    Request request = RequestDecoder.decode(line);
    assertThat(request.spelling()).isEqualTo(Spelling.JSON);
    check(line, request);
  }

  private static void check(String line, Request request) {
    String reply;
    if (request.isValid()) {
      assertThat(request.command()).isNotNull();
      for (Command.Param param : request.command().params()) {
        Object value = request.args().getValue(param.name());
        if (param.required()) {
          assertThat(value).as("%s of %s", param.name(), line).isNotNull();
        }
        if (value != null && param.kind() == Command.Param.Kind.NUMBER) {
          assertThat(value).isInstanceOf(Long.class);
          assertThat((Long) value).isNotNegative();
        } else if (value != null) {
          assertThat(value).isInstanceOf(String.class);
        }
      }
      if (request.id() != null) {
        assertThat(request.id().length()).isLessThanOrEqualTo(Limits.MAX_ID_LENGTH);
      }
      reply = ServerFrame.pong(null).encode(request.spelling(), request.id());
    } else {
      assertThat(request.failure().code()).isEqualTo(ErrorCode.BAD_REQUEST);
      reply = ServerFrame.error(request.failure()).encode(request.spelling(), request.id());
      if (request.spelling() == Spelling.JSON) {
        JsonObject json = new JsonObject(reply);
        assertThat(json.getString("op")).isEqualTo("err");
        assertThat(json.getInteger("code")).isEqualTo(ErrorCode.BAD_REQUEST.code());
      } else {
        assertThat(reply).startsWith("ERR 400 ");
      }
    }
    assertThat(reply.indexOf('\n')).as("one line for %s", line).isEqualTo(reply.length() - 1);
  }

  private static String anyParamName(FuzzedDataProvider data) {
    Command command = COMMANDS[data.consumeInt(0, COMMANDS.length - 1)];
    if (command.params().isEmpty()) {
      return "text";
    }
    return command.params().get(data.consumeInt(0, command.params().size() - 1)).name();
  }

  private static Object value(FuzzedDataProvider data) {
    switch (data.consumeInt(0, VALUE_KINDS - 1)) {
      case 0:
        return data.consumeString(MAX_STRING);
      case 1:
        return data.consumeLong();
      case 2:
        return data.consumeInt();
      case 3:
        return data.consumeDouble();
      case 4:
        return data.consumeBoolean();
      case 5:
        return new JsonArray().add(data.consumeString(MAX_STRING));
      default:
        return new JsonObject().put(data.consumeString(MAX_STRING), data.consumeString(MAX_STRING));
    }
  }
}
