package io.confbridge.call;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every (state, event) pair of the call: each row brings a call into a state, then one event of each
 * {@link SampleEvent} goes in. The expected outcome of every pair is written out in {@link #TABLE}, so a
 * change of behaviour shows up as a change of this table.
 *
 * <p>Rows: {@code PATH} is the {@link CallPath} of that name, ending as the state is entered (its prompt
 * still speaking); {@code PATH+PFin} the same once that prompt has finished; {@code PATH+47} the same
 * after the caller typed these keys. The variants show what a state does with the data it keeps (a prompt
 * speaking, a timer armed, digits typed); the state alone decides everything else.
 *
 * <p>Cells:
 * <ul>
 *   <li>{@code .} ignored: no effect, the state stays;</li>
 *   <li>{@code =} handled: effects, the state stays;</li>
 *   <li>{@code CODE} handled: effects, the call moves to the state {@code CODE};</li>
 *   <li>{@code (CODE)} the call moves to {@code CODE} without any effect (a hang-up with nothing to undo).</li>
 * </ul>
 * State codes: NEW, CID collecting the conference ID, DIAL validating the dialled number, VAL validating
 * the typed ID, STAR offering the organizer star, PIN collecting the PIN, VPIN verifying it, JOIN
 * joining, LOBBY, LPIN collecting the PIN in the lobby, LVPIN verifying it, MEET in the meeting, BYE
 * saying goodbye, END ended. Columns as in {@link SampleEvent}: AnsID answers with a conference ID as
 * the dialled user, TCur fires the latest timer token issued (armed or not), TOld an earlier one, Lobby
 * and LobSt enter the lobby of a meeting not started and of a started one awaiting admission.
 */
class CallStateTableTest {

    static final String TABLE = """
            row                          Answ  AnsID 5     *     #     PFin  TCur  TOld  Found NoCnf PinOk PinNo Lobby LobSt Full  Admit MEnd  HngUp
            NEW                          CID   DIAL  .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     (END)
            COLLECTING_CONFERENCE_ID     .     .     =     =     =     =     .     .     .     .     .     .     .     .     .     .     .     (END)
            COLLECTING_CONFERENCE_ID+47  .     .     =     =     VAL   =     =     .     .     .     .     .     .     .     .     .     .     END
            VALIDATING_DIALLED_NUMBER    .     .     .     .     .     .     .     .     STAR  CID   .     .     .     .     .     .     .     (END)
            VALIDATING_CONFERENCE_ID     .     .     .     .     .     .     .     .     STAR  CID   .     .     .     .     .     .     .     (END)
            OFFERING_ORGANIZER_STAR      .     .     JOIN  PIN   JOIN  =     .     .     .     .     .     .     .     .     .     .     .     (END)
            OFFERING_ORGANIZER_STAR+PFin .     .     JOIN  PIN   JOIN  =     JOIN  .     .     .     .     .     .     .     .     .     .     END
            COLLECTING_PIN               .     .     =     =     =     =     .     .     .     .     .     .     .     .     .     .     .     (END)
            COLLECTING_PIN+12            .     .     =     =     VPIN  =     =     .     .     .     .     .     .     .     .     .     .     END
            VERIFYING_PIN                .     .     .     .     .     .     .     .     .     .     JOIN  PIN   .     .     .     .     .     (END)
            JOINING                      .     .     .     .     .     .     .     .     .     .     .     .     LOBBY LOBBY BYE   MEET  BYE   END
            IN_LOBBY                     .     .     =     LPIN  =     .     BYE   .     .     .     .     .     .     .     BYE   MEET  BYE   END
            IN_LOBBY+PFin                .     .     .     LPIN  .     .     BYE   .     .     .     .     .     .     .     BYE   MEET  BYE   END
            LOBBY_COLLECTING_PIN         .     .     =     =     =     =     .     .     .     .     .     .     .     .     BYE   MEET  BYE   END
            LOBBY_COLLECTING_PIN+12      .     .     =     =     LVPIN =     =     .     .     .     .     .     .     .     BYE   MEET  BYE   END
            LOBBY_VERIFYING_PIN          .     .     .     .     .     .     .     .     .     .     JOIN  LPIN  .     .     BYE   MEET  BYE   END
            IN_MEETING                   .     .     =     =     =     .     .     .     .     .     .     .     .     .     .     .     BYE   END
            IN_MEETING+PFin              .     .     .     =     .     .     .     .     .     .     .     .     .     .     .     .     BYE   END
            SAYING_GOODBYE               .     .     END   END   END   END   .     .     .     .     .     .     .     .     .     .     .     (END)
            ENDED                        .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     .
            """;

    private static final Map<CallState, String> CODES = new EnumMap<>(Map.ofEntries(
            Map.entry(CallState.NEW, "NEW"),
            Map.entry(CallState.COLLECTING_CONFERENCE_ID, "CID"),
            Map.entry(CallState.VALIDATING_DIALLED_NUMBER, "DIAL"),
            Map.entry(CallState.VALIDATING_CONFERENCE_ID, "VAL"),
            Map.entry(CallState.OFFERING_ORGANIZER_STAR, "STAR"),
            Map.entry(CallState.COLLECTING_PIN, "PIN"),
            Map.entry(CallState.VERIFYING_PIN, "VPIN"),
            Map.entry(CallState.JOINING, "JOIN"),
            Map.entry(CallState.IN_LOBBY, "LOBBY"),
            Map.entry(CallState.LOBBY_COLLECTING_PIN, "LPIN"),
            Map.entry(CallState.LOBBY_VERIFYING_PIN, "LVPIN"),
            Map.entry(CallState.IN_MEETING, "MEET"),
            Map.entry(CallState.SAYING_GOODBYE, "BYE"),
            Map.entry(CallState.ENDED, "END")));

    /** A row of the table: a path into a state, then perhaps the end of its prompt or some keys. */
    record Row(String name, CallPath path, String then) {
        static Row parse(String name) {
            int plus = name.indexOf('+');
            CallPath path = CallPath.valueOf(plus < 0 ? name : name.substring(0, plus));
            return new Row(name, path, plus < 0 ? "" : name.substring(plus + 1));
        }

        CallScript reach(CallScript script) {
            if (then.equals("PFin")) {
                return path.reachOncePromptsFinished(script);
            }
            path.reach(script).press(then).drain();
            assertEquals(path.state, script.state(), "row " + name);
            return script;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @RegisterExtension
    final CallScript call = new CallScript();

    /** Every row of the table, for other tests that go through every state. */
    static Stream<Row> rows() {
        return parse(TABLE).keySet().stream();
    }

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        parse(TABLE).forEach((row, cells) -> {
            for (SampleEvent event : SampleEvent.values()) {
                pairs.add(Arguments.of(row, event, cells.get(event.ordinal())));
            }
        });
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("everyPair")
    void outcomeOfEveryStateAndEvent(Row row, SampleEvent event, String expectedCell) {
        assertEquals(expectedCell, outcome(row, event, call));
    }

    /** The same table at once, so a failure shows the whole table next to the expected one. */
    @Test
    void wholeTable() {
        Map<Row, List<String>> expected = parse(TABLE);
        StringBuilder actual = new StringBuilder(header());
        for (Row row : expected.keySet()) {
            List<String> cells = new ArrayList<>();
            for (SampleEvent event : SampleEvent.values()) {
                cells.add(outcome(row, event, new CallScript()));
            }
            actual.append(row(row.name(), cells));
        }
        assertEquals(render(expected), actual.toString());
    }

    @Test
    void everyStateHasARowAsItIsEntered() {
        Set<CallPath> plain = rows().filter(row -> row.then().isEmpty()).map(Row::path)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(CallPath.class)));
        assertEquals(EnumSet.allOf(CallPath.class), plain);
        Set<CallState> reached = EnumSet.noneOf(CallState.class);
        for (CallPath path : CallPath.values()) {
            reached.add(path.state);
        }
        assertEquals(EnumSet.allOf(CallState.class), reached);
    }

    @Test
    void everyKindOfEventHasAColumnAndTheLobbyBothOfItsVariants() {
        Set<CallEvent.Kind> kinds = EnumSet.noneOf(CallEvent.Kind.class);
        Set<Boolean> lobbyVariants = new java.util.HashSet<>();
        CallScript script = new CallScript();
        for (SampleEvent sample : SampleEvent.values()) {
            CallEvent event = sample.eventFor(script);
            kinds.add(event.kind());
            if (event instanceof CallEvent.EnteredLobby lobby) {
                lobbyVariants.add(lobby.meetingStarted());
            }
        }
        assertEquals(EnumSet.allOf(CallEvent.Kind.class), kinds);
        assertEquals(Set.of(false, true), lobbyVariants);
    }

    private static String outcome(Row row, SampleEvent event, CallScript script) {
        row.reach(script);
        CallState before = script.state();
        script.send(event.eventFor(script));
        boolean handled = !script.drain().isEmpty();
        CallState after = script.state();
        if (after == before) {
            return handled ? "=" : ".";
        }
        return handled ? CODES.get(after) : "(" + CODES.get(after) + ")";
    }

    private static Map<Row, List<String>> parse(String table) {
        List<String> lines = table.lines().filter(line -> !line.isBlank()).toList();
        List<String> headings = Arrays.asList(lines.get(0).trim().split("\\s+"));
        List<String> wanted = new ArrayList<>(List.of("row"));
        for (SampleEvent event : SampleEvent.values()) {
            wanted.add(event.heading);
        }
        assertEquals(wanted, headings, "table heading");
        Map<Row, List<String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            assertEquals(SampleEvent.values().length + 1, cells.length, "cells in row " + line);
            rows.put(Row.parse(cells[0]), List.of(cells).subList(1, cells.length));
        }
        return rows;
    }

    private static String render(Map<Row, List<String>> rows) {
        StringBuilder text = new StringBuilder(header());
        rows.forEach((row, cells) -> text.append(row(row.name(), cells)));
        return text.toString();
    }

    private static String header() {
        List<String> headings = new ArrayList<>();
        for (SampleEvent event : SampleEvent.values()) {
            headings.add(event.heading);
        }
        return row("row", headings);
    }

    private static String row(String name, List<String> cells) {
        StringBuilder line = new StringBuilder(String.format("%-29s", name));
        for (String cell : cells) {
            line.append(String.format("%-6s", cell));
        }
        return line.toString().stripTrailing() + "\n";
    }
}
