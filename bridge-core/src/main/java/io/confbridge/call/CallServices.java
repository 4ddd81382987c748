package io.confbridge.call;

import io.confbridge.codec.Codec;
import io.confbridge.meeting.MeetingRegistry;
import io.confbridge.pin.PinVault;
import io.confbridge.prompt.EncodedAudio;
import io.confbridge.prompt.PromptLanguages;
import io.confbridge.store.DirectoryStore;

import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * What every call shares: the menu policy, the pre-encoded prompts and music, the live meetings, and
 * the directory and PIN vault with the worker pool that runs their blocking work.
 *
 * @param inbandDtmf listen for DTMF tones in every caller's audio, not only where no RFC 4733
 *                   telephone-event was negotiated
 * @param inactivityTimeoutMs end a call whose caller sent no RTP or RTCP this long; 0 never
 */
public record CallServices(
        MenuPolicy policy,
        PromptLanguages prompts,
        EncodedAudio holdMusic,
        EncodedAudio joinTone,
        MeetingRegistry meetings,
        DirectoryStore store,
        PinVault pinVault,
        Executor workers,
        boolean inbandDtmf,
        long inactivityTimeoutMs) {

    /** One frame of digital silence in the codec, shared; never written to. */
    static byte[] silence(Codec codec) {
        return codec.silenceFrame();
    }
}
