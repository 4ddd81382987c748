package io.confbridge.pin.support;

import io.confbridge.store.AuditRecord;
import io.confbridge.store.DirectoryStore;
import io.confbridge.store.MeetingListing;
import io.confbridge.store.MeetingPolicyOverrides;
import io.confbridge.store.MeetingRecord;
import io.confbridge.store.OrganizerRecord;
import io.confbridge.store.PinFailures;
import io.confbridge.store.SipAccountRecord;
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
    public OrganizerRecord createOrganizer(String email, String displayName, String phone, String pinHash, int pinLength) {
        return delegate.createOrganizer(email, displayName, phone, pinHash, pinLength);
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
    public void replacePin(long organizerId, String pinHash, int pinLength) {
        delegate.replacePin(organizerId, pinHash, pinLength);
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
    public MeetingRecord createMeeting(String conferenceId, long organizerId, boolean requirePinToStart,
                                       MeetingPolicyOverrides policy) {
        return delegate.createMeeting(conferenceId, organizerId, requirePinToStart, policy);
    }

    @Override
    public Optional<MeetingRecord> updateMeeting(String conferenceId, Boolean requirePinToStart,
                                                 MeetingPolicyOverrides change) {
        return delegate.updateMeeting(conferenceId, requirePinToStart, change);
    }

    @Override
    public void setSipAccount(SipAccountRecord account) {
        delegate.setSipAccount(account);
    }

    @Override
    public Optional<SipAccountRecord> findSipAccount(String username) {
        return delegate.findSipAccount(username);
    }

    @Override
    public Optional<SipAccountRecord> findSipAccountOf(long organizerId) {
        return delegate.findSipAccountOf(organizerId);
    }

    @Override
    public List<SipAccountRecord> sipAccountsOfEnabledOrganizers() {
        return delegate.sipAccountsOfEnabledOrganizers();
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

    @Override
    public List<OrganizerRecord> listOrganizers() {
        return delegate.listOrganizers();
    }

    @Override
    public void updateOrganizerProfile(long organizerId, String displayName, String phone) {
        delegate.updateOrganizerProfile(organizerId, displayName, phone);
    }

    @Override
    public List<MeetingListing> listMeetings() {
        return delegate.listMeetings();
    }

    @Override
    public Optional<MeetingListing> findMeetingListing(String conferenceId) {
        return delegate.findMeetingListing(conferenceId);
    }

    @Override
    public PinFailures recordPinFailure(String subject, long atMs, long windowStartMs) {
        return delegate.recordPinFailure(subject, atMs, windowStartMs);
    }

    @Override
    public PinFailures pinFailures(String subject, long windowStartMs) {
        return delegate.pinFailures(subject, windowStartMs);
    }

    @Override
    public long pinLockedUntil(String subject) {
        return delegate.pinLockedUntil(subject);
    }

    @Override
    public void lockPin(String subject, long untilMs) {
        delegate.lockPin(subject, untilMs);
    }

    @Override
    public void clearPinFailures(String subject) {
        delegate.clearPinFailures(subject);
    }

    @Override
    public void appendAudit(AuditRecord entry) {
        delegate.appendAudit(entry);
    }

    @Override
    public List<AuditRecord> recentAudit(int limit) {
        return delegate.recentAudit(limit);
    }

    @Override
    public List<AuditRecord> findAudit(Long beforeId, String actor, String action, String target, int limit) {
        return delegate.findAudit(beforeId, actor, action, target, limit);
    }

    @Override
    public void addUserToken(long organizerId, String tokenHash) {
        delegate.addUserToken(organizerId, tokenHash);
    }

    @Override
    public Optional<OrganizerRecord> findOrganizerByTokenHash(String tokenHash) {
        return delegate.findOrganizerByTokenHash(tokenHash);
    }

    @Override
    public Optional<OrganizerRecord> findOrganizerByTokenHash(String tokenHash, long issuedNotBeforeMs) {
        return delegate.findOrganizerByTokenHash(tokenHash, issuedNotBeforeMs);
    }

    @Override
    public int deleteUserTokens(long organizerId) {
        return delegate.deleteUserTokens(organizerId);
    }

    @Override
    public int purgePinFailures(long beforeMs, long nowMs) {
        return delegate.purgePinFailures(beforeMs, nowMs);
    }

    @Override
    public void addUserToken(long organizerId, String tokenHash, long issuedAtMs) {
        delegate.addUserToken(organizerId, tokenHash, issuedAtMs);
    }
}
