package io.confbridge.support;

import java.util.Random;

/**
 * The seed of a fuzz test: {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.seed=random} explores a new
 * one, and without either the test runs its fixed seed. The build runs fixed seeds so that its result
 * depends on the code, not on the draw: a random seed made an unrelated change's CI red whenever it found
 * something new. Exploring is a loop over {@code -Dfuzz.seed=random} (README, "Hostile input").
 */
public final class FuzzSeed {
    private FuzzSeed() {
    }

    public static long orDefault(long fixed) {
        String value = System.getProperty("fuzz.seed");
        if (value == null || value.isBlank()) {
            return fixed;
        }
        return "random".equalsIgnoreCase(value.trim()) ? new Random().nextLong() : Long.parseLong(value.trim());
    }
}
