package io.confbridge.server.support;

import io.confbridge.codec.Codec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audio meter the end-to-end tests trust, checked on signals with known answers. */
class ToneMeterTest {

    private static short[] sine(double hz, double amplitude, int samples) {
        short[] out = new short[samples];
        for (int i = 0; i < samples; i++) {
            out[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / 8000));
        }
        return out;
    }

    /** What the phone hears: the signal through G.711 and back. */
    private static short[] throughG711(short[] linear, Codec codec) {
        short[] out = new short[linear.length];
        for (int i = 0; i < linear.length; i++) {
            out[i] = codec.decode(codec.encode(linear[i]));
        }
        return out;
    }

    @Test
    void cleanToneThroughG711IsFoundAtItsFrequencyOnly() {
        short[] tone = throughG711(sine(1000, 8000, 8000), Codec.PCMU);

        assertTrue(ToneMeter.toneLevel(tone, tone.length, 1000) > 0.95);
        assertTrue(ToneMeter.toneLevel(tone, tone.length, 400) < 0.01);
        assertTrue(ToneMeter.toneLevel(tone, tone.length, 1100) < 0.01);
    }

    @Test
    void twoEqualTonesShareTheEnergy() {
        short[] a = sine(400, 6000, 8000);
        short[] b = sine(1000, 6000, 8000);
        short[] mix = new short[a.length];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = (short) (a[i] + b[i]);
        }
        mix = throughG711(mix, Codec.PCMA);

        assertEquals(0.5, ToneMeter.toneLevel(mix, mix.length, 400), 0.05);
        assertEquals(0.5, ToneMeter.toneLevel(mix, mix.length, 1000), 0.05);
    }

    @Test
    void silenceHasNoToneAndNoLevel() {
        short[] silence = new short[8000];

        assertEquals(0, ToneMeter.toneLevel(silence, silence.length, 1000));
        assertEquals(0, ToneMeter.rms(silence, silence.length));
    }

    @Test
    void rmsOfFullScaleSineIsAmplitudeOverRootTwo() {
        short[] tone = sine(1000, 20000, 8000);

        assertEquals(20000 / Math.sqrt(2), ToneMeter.rms(tone, tone.length), 20);
    }
}
