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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every (state, event) pair of the call: each {@link CallPath} brings a call into a state, then one
 * event of each {@link EventKind} goes in. The expected outcome of every pair is written out in
 * {@link #TABLE}, so a change of behaviour shows up as a change of this table.
 *
 * <p>Cells:
 * <ul>
 *   <li>{@code .} ignored: no effect, the state stays;</li>
 *   <li>{@code =} handled: effects, the state stays;</li>
 *   <li>{@code CODE} handled: effects, the call moves to the state {@code CODE};</li>
 *   <li>{@code (CODE)} the call moves to {@code CODE} without any effect (a hang-up with nothing to undo).</li>
 * </ul>
 * State codes: NEW, CID collecting the conference ID, VAL validating it, STAR offering the organizer
 * star, PIN collecting the PIN, VPIN verifying it, JOIN joining, LOBBY, MEET in the meeting, BYE saying
 * goodbye, END ended. Columns as in {@link EventKind}: TCur fires the latest timer token issued (armed
 * or not), TOld an earlier one.
 */
class CallStateTableTest {

    static final String TABLE = """
            path                        Answ  5     *     #     PFin  TCur  TOld  Found NoCnf PinOk PinNo Lobby Admit MEnd  HngUp
            FRESH                       CID   .     .     .     .     .     .     .     .     .     .     .     .     .     (END)
            WELCOME_PLAYING             .     =     =     =     =     .     .     .     .     .     .     .     .     .     (END)
            WAITING_FOR_CONFERENCE_ID   .     =     =     =     =     =     .     .     .     .     .     .     .     .     END
            TYPING_CONFERENCE_ID        .     =     =     VAL   =     =     .     .     .     .     .     .     .     .     END
            LOOKING_UP_TYPED_ID         .     .     .     .     .     .     .     STAR  CID   .     .     .     .     .     (END)
            LOOKING_UP_DIALLED_ID       .     .     .     .     .     .     .     STAR  CID   .     .     .     .     .     (END)
            OFFERING_STAR               .     JOIN  PIN   JOIN  =     .     .     .     .     .     .     .     .     .     (END)
            WAITING_FOR_STAR            .     JOIN  PIN   JOIN  =     JOIN  .     .     .     .     .     .     .     .     END
            PIN_PROMPT_PLAYING          .     =     =     =     =     .     .     .     .     .     .     .     .     .     (END)
            TYPING_PIN                  .     =     =     VPIN  =     =     .     .     .     .     .     .     .     .     END
            VERIFYING_PIN               .     .     .     .     .     .     .     .     .     JOIN  PIN   .     .     .     (END)
            JOINING_AS_CALLER           .     .     .     .     .     .     .     .     .     .     .     LOBBY MEET  BYE   END
            JOINING_AS_ORGANIZER        .     .     .     .     .     .     .     .     .     .     .     LOBBY MEET  BYE   END
            LOBBY_ANNOUNCEMENT          .     =     PIN   =     .     BYE   .     .     .     .     .     .     MEET  BYE   END
            LOBBY_HOLD_MUSIC            .     .     PIN   .     .     BYE   .     .     .     .     .     .     MEET  BYE   END
            LOBBY_PIN_PROMPT            .     =     =     =     =     .     .     .     .     .     .     .     MEET  BYE   END
            LOBBY_TYPING_PIN            .     =     =     VPIN  =     =     .     .     .     .     .     .     MEET  BYE   END
            LOBBY_VERIFYING_PIN         .     .     .     .     .     .     .     .     .     JOIN  PIN   .     MEET  BYE   END
            MEETING_ANNOUNCEMENT        .     =     =     =     .     .     .     .     .     .     .     .     .     BYE   END
            IN_MEETING                  .     .     =     .     .     .     .     .     .     .     .     .     .     BYE   END
            GOODBYE_AFTER_UNKNOWN_IDS   .     END   END   END   END   .     .     .     .     .     .     .     .     .     (END)
            GOODBYE_AFTER_LOBBY_TIMEOUT .     END   END   END   END   .     .     .     .     .     .     .     .     .     (END)
            GOODBYE_AFTER_MEETING_ENDED .     END   END   END   END   .     .     .     .     .     .     .     .     .     (END)
            ENDED                       .     .     .     .     .     .     .     .     .     .     .     .     .     .     .
            """;

    private static final Map<CallState, String> CODES = new EnumMap<>(Map.ofEntries(
            Map.entry(CallState.NEW, "NEW"),
            Map.entry(CallState.COLLECTING_CONFERENCE_ID, "CID"),
            Map.entry(CallState.VALIDATING_CONFERENCE_ID, "VAL"),
            Map.entry(CallState.OFFERING_ORGANIZER_STAR, "STAR"),
            Map.entry(CallState.COLLECTING_PIN, "PIN"),
            Map.entry(CallState.VERIFYING_PIN, "VPIN"),
            Map.entry(CallState.JOINING, "JOIN"),
            Map.entry(CallState.IN_LOBBY, "LOBBY"),
            Map.entry(CallState.IN_MEETING, "MEET"),
            Map.entry(CallState.SAYING_GOODBYE, "BYE"),
            Map.entry(CallState.ENDED, "END")));

    @RegisterExtension
    final CallScript call = new CallScript();

    static Stream<Arguments> everyPair() {
        Map<CallPath, List<String>> expected = parse(TABLE);
        List<Arguments> pairs = new ArrayList<>();
        for (CallPath path : CallPath.values()) {
            for (EventKind kind : EventKind.values()) {
                pairs.add(Arguments.of(path, kind, expected.get(path).get(kind.ordinal())));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @MethodSource("everyPair")
    void outcomeOfEveryStateAndEvent(CallPath path, EventKind kind, String expectedCell) {
        assertEquals(expectedCell, outcome(path, kind, call));
    }

    /** The same table at once, so a failure shows the whole table next to the expected one. */
    @Test
    void wholeTable() {
        StringBuilder actual = new StringBuilder(header());
        for (CallPath path : CallPath.values()) {
            List<String> cells = new ArrayList<>();
            for (EventKind kind : EventKind.values()) {
                cells.add(outcome(path, kind, new CallScript()));
            }
            actual.append(row(path.name(), cells));
        }
        assertEquals(render(parse(TABLE)), actual.toString());
    }

    @Test
    void everyStateHasARow() {
        Set<CallState> reached = EnumSet.noneOf(CallState.class);
        for (CallPath path : CallPath.values()) {
            reached.add(path.state);
        }
        assertEquals(EnumSet.allOf(CallState.class), reached);
    }

    private static String outcome(CallPath path, EventKind kind, CallScript script) {
        path.reach(script);
        CallState before = script.state();
        script.send(kind.eventFor(script));
        boolean handled = !script.drain().isEmpty();
        CallState after = script.state();
        if (after == before) {
            return handled ? "=" : ".";
        }
        return handled ? CODES.get(after) : "(" + CODES.get(after) + ")";
    }

    private static Map<CallPath, List<String>> parse(String table) {
        List<String> lines = table.lines().filter(line -> !line.isBlank()).toList();
        List<String> headings = Arrays.asList(lines.get(0).trim().split("\\s+"));
        List<String> wanted = new ArrayList<>(List.of("path"));
        for (EventKind kind : EventKind.values()) {
            wanted.add(kind.heading);
        }
        assertEquals(wanted, headings, "table heading");
        Map<CallPath, List<String>> rows = new EnumMap<>(CallPath.class);
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            assertEquals(EventKind.values().length + 1, cells.length, "cells in row " + line);
            CallPath path = CallPath.valueOf(cells[0]);
            rows.put(path, List.of(cells).subList(1, cells.length));
        }
        assertEquals(EnumSet.allOf(CallPath.class), rows.keySet(), "one row for every path");
        return rows;
    }

    private static String render(Map<CallPath, List<String>> rows) {
        StringBuilder text = new StringBuilder(header());
        rows.forEach((path, cells) -> text.append(row(path.name(), cells)));
        return text.toString();
    }

    private static String header() {
        List<String> headings = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            headings.add(kind.heading);
        }
        return row("path", headings);
    }

    private static String row(String name, List<String> cells) {
        StringBuilder line = new StringBuilder(String.format("%-28s", name));
        for (String cell : cells) {
            line.append(String.format("%-6s", cell));
        }
        return line.toString().stripTrailing() + "\n";
    }
}
