package io.confbridge.server.admin;

import io.confbridge.directory.AdminException;
import io.confbridge.directory.Administration;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hand-written in-memory {@link Administration} for exercising the HTTP layer on its own: the rules
 * the HTTP layer relies on (400 naming the field, 404, 409, PIN length from the settings, PIN shown
 * only in {@link PinIssued}) without a database.
 */
final class InMemoryAdministration implements Administration {

    private record User(String email, String displayName, String phone, boolean enabled, String pin,
                        List<String> conferenceIds) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, User> users = new TreeMap<>();
    private final Map<String, MeetingView> meetings = new TreeMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final List<AuditEntry> audit = new ArrayList<>();
    private TenantSettings settings = new TenantSettings(5, true, false, 60, "en");

    @Override
    public synchronized PinIssued enableUser(Actor actor, String email, String displayName, String phone,
                                             boolean sendEmail, String sendEmailToAddress) {
        if (!email.contains("@")) {
            throw AdminException.badInput("email", "not an e-mail address: " + email);
        }
        if (users.containsKey(email)) {
            throw AdminException.conflict(email + " is already enabled");
        }
        User user = new User(email, displayName, phone, true, newPin(), new ArrayList<>());
        users.put(email, user);
        audit(actor, "enable", email);
        return new PinIssued(view(user), user.pin(), mail(user, sendEmail, sendEmailToAddress));
    }

    @Override
    public synchronized UserView getUser(String email) {
        return view(user(email));
    }

    @Override
    public synchronized List<UserView> listUsers() {
        return users.values().stream().map(this::view).toList();
    }

    @Override
    public synchronized PinIssued resetPin(Actor actor, String email, boolean sendEmail, String sendEmailToAddress) {
        User old = user(email);
        User user = new User(old.email(), old.displayName(), old.phone(), old.enabled(), newPin(),
                old.conferenceIds());
        users.put(email, user);
        audit(actor, "reset-pin", email);
        return new PinIssued(view(user), user.pin(), mail(user, sendEmail, sendEmailToAddress));
    }

    @Override
    public synchronized UserView disableUser(Actor actor, String email) {
        User old = user(email);
        User user = new User(old.email(), old.displayName(), old.phone(), false, old.pin(), old.conferenceIds());
        users.put(email, user);
        audit(actor, "disable", email);
        return view(user);
    }

    @Override
    public synchronized UserView clearLockout(Actor actor, String email) {
        audit(actor, "clear-lockout", email);
        return view(user(email));
    }

    @Override
    public synchronized TenantSettings settings() {
        return settings;
    }

    @Override
    public synchronized TenantSettings updateSettings(Actor actor, SettingsChange change) {
        int pinLength = change.pinLength() == null ? settings.pinLength() : change.pinLength();
        if (pinLength < 4 || pinLength > 12) {
            throw AdminException.badInput("pinLength", "pinLength must be 4-12");
        }
        settings = new TenantSettings(pinLength,
                change.autoEmail() == null ? settings.autoEmail() : change.autoEmail(),
                change.anonymousCanStart() == null ? settings.anonymousCanStart() : change.anonymousCanStart(),
                change.lobbyTimeoutMinutes() == null ? settings.lobbyTimeoutMinutes() : change.lobbyTimeoutMinutes(),
                change.language() == null ? settings.language() : change.language());
        audit(actor, "settings", "tenant");
        return settings;
    }

    @Override
    public synchronized MeetingView createMeeting(Actor actor, String organizerEmail, Boolean requirePinToStart) {
        User organizer = user(organizerEmail);
        String id = String.valueOf(1_000_000 + random.nextInt(9_000_000));
        MeetingView meeting = new MeetingView(id, organizerEmail,
                requirePinToStart == null ? !settings.anonymousCanStart() : requirePinToStart, "idle", 0, 0,
                Instant.now());
        meetings.put(id, meeting);
        organizer.conferenceIds().add(id);
        audit(actor, "create-meeting", id);
        return meeting;
    }

    @Override
    public synchronized MeetingView getMeeting(String conferenceId) {
        MeetingView meeting = meetings.get(conferenceId);
        if (meeting == null) {
            throw AdminException.notFound("no meeting " + conferenceId);
        }
        return meeting;
    }

    @Override
    public synchronized List<MeetingView> listMeetings() {
        return List.copyOf(meetings.values());
    }

    @Override
    public synchronized MeetingView endMeeting(Actor actor, String conferenceId) {
        MeetingView meeting = getMeeting(conferenceId);
        audit(actor, "end-meeting", conferenceId);
        return meeting;
    }

    @Override
    public synchronized List<AuditEntry> audit(int limit) {
        List<AuditEntry> newestFirst = new ArrayList<>(audit);
        java.util.Collections.reverse(newestFirst);
        return newestFirst.subList(0, Math.min(limit, newestFirst.size()));
    }

    @Override
    public synchronized String issueUserToken(Actor actor, String email) {
        user(email);
        String token = "user-" + random.nextLong();
        tokens.put(token, email);
        return token;
    }

    @Override
    public Optional<String> userForToken(String token) {
        return Optional.ofNullable(tokens.get(token));
    }

    private User user(String email) {
        User user = users.get(email);
        if (user == null) {
            throw AdminException.notFound("no user " + email);
        }
        return user;
    }

    private UserView view(User user) {
        return new UserView(user.email(), user.displayName(), user.phone(), user.enabled(), "*****",
                user.pin().length(), Instant.EPOCH, false, null, 0, false, List.copyOf(user.conferenceIds()));
    }

    private MailOutcome mail(User user, boolean sendEmail, String to) {
        if (sendEmail || settings.autoEmail()) {
            return new MailOutcome(false, to != null ? to : user.email(), "no mail server in this test", true);
        }
        return new MailOutcome(false, null, null, true);
    }

    private String newPin() {
        StringBuilder pin = new StringBuilder();
        for (int i = 0; i < settings.pinLength(); i++) {
            pin.append(random.nextInt(10));
        }
        return pin.toString();
    }

    private void audit(Actor actor, String action, String target) {
        audit.add(new AuditEntry(audit.size() + 1, Instant.now(), actor.name(), actor.role().name(),
                actor.clientAddress(), action, target, null));
    }
}
