package io.confbridge.pin.support;

import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.TenantSettings;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A real store that also remembers which threads read organizers, to prove where slow work runs. */
public final class ThreadRecordingStore implements DirectoryStore {
    private final DirectoryStore delegate;
    private final Set<Thread> organizerReaders = ConcurrentHashMap.newKeySet();

    public ThreadRecordingStore(DirectoryStore delegate) {
        this.delegate = delegate;
    }

    public Set<Thread> organizerReaders() {
        return organizerReaders;
    }

    @Override
    public Optional<OrganizerRecord> findOrganizer(long organizerId) {
        organizerReaders.add(Thread.currentThread());
        return delegate.findOrganizer(organizerId);
    }

    @Override
    public Optional<MeetingRecord> findMeetingByConferenceId(String conferenceId) {
        return delegate.findMeetingByConferenceId(conferenceId);
    }

    @Override
    public List<MeetingRecord> findMeetingsByOrganizer(long organizerId) {
        return delegate.findMeetingsByOrganizer(organizerId);
    }

    @Override
    public Optional<OrganizerRecord> findOrganizerByEmail(String email) {
        return delegate.findOrganizerByEmail(email);
    }

    @Override
    public OrganizerRecord createOrganizer(String email, String displayName, String pinHash) {
        return delegate.createOrganizer(email, displayName, pinHash);
    }

    @Override
    public void updatePinHash(long organizerId, String pinHash) {
        delegate.updatePinHash(organizerId, pinHash);
    }

    @Override
    public boolean compareAndSetPinHash(long organizerId, String expectedHash, String newHash) {
        return delegate.compareAndSetPinHash(organizerId, expectedHash, newHash);
    }

    @Override
    public void replacePin(long organizerId, String pinHash) {
        delegate.replacePin(organizerId, pinHash);
    }

    @Override
    public List<String> recentPinHashes(long organizerId, int limit) {
        return delegate.recentPinHashes(organizerId, limit);
    }

    @Override
    public void setOrganizerEnabled(long organizerId, boolean enabled) {
        delegate.setOrganizerEnabled(organizerId, enabled);
    }

    @Override
    public MeetingRecord createMeeting(String conferenceId, long organizerId, boolean requirePinToStart) {
        return delegate.createMeeting(conferenceId, organizerId, requirePinToStart);
    }

    @Override
    public long countOrganizers() {
        return delegate.countOrganizers();
    }

    @Override
    public TenantSettings tenantSettings() {
        return delegate.tenantSettings();
    }

    @Override
    public void updateTenantSettings(TenantSettings settings) {
        delegate.updateTenantSettings(settings);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
