package io.confbridge.pin.support;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A SecureRandom whose {@code nextInt(bound)} first returns the digits of the scripted strings, in order,
 * then falls back to real randomness: lets a test make a generator propose a given PIN.
 */
public final class ScriptedRandom extends SecureRandom {
    private final Deque<Integer> script = new ArrayDeque<>();

    public ScriptedRandom(String... digitStrings) {
        for (String s : digitStrings) {
            for (char c : s.toCharArray()) {
                script.add(c - '0');
            }
        }
    }

    @Override
    public int nextInt(int bound) {
        Integer next = script.poll();
        return next != null ? next : super.nextInt(bound);
    }

    public boolean scriptUsedUp() {
        return script.isEmpty();
    }
}
