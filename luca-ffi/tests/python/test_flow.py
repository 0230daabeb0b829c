"""A whole luca flow through the FFI (the generated `luca_ffi` module), as a script would drive it.

A trust anchor certifies two health offices and the venue registrar; office A rotates the daily
key and shares it with office B; a venue is registered and runs a scanner. Three guests register:
Erika checks in at the scanner, Max checks in himself at table 3 of the printed QR (and at a
private meeting), Paul comes hours later. Erika tests positive and shares her history by TAN;
office B opens it, finds her check-in, asks the venue for consent, opens the consent response and
decrypts the contact, which must equal what Max registered. The scanner's rejections (tampered,
replayed, stale, garbage codes) are checked by their error kinds.

Then a threshold daily key: three more offices run the committee DKG (any two open), two sign the
committee key announcement, Jana checks in at a scanner and Tom checks in himself under it; Jana
shares her history; office C opens it and the venue's consent response with the partial
decryptions of its co-offices (each asked through its policy callback; one refuses, a replayed
answer is named `wrong_partial`) and decrypts Tom's contact.

The servers are dictionaries. Run by run.sh; exits non-zero on any failure and ends with
`N passed, N failed` (steps after a failure depend on it and are counted as skipped).
"""

import csv
import io
import json
import sys
import threading
import traceback

import luca_ffi as ffi

# 2026-11-29T09:00:00Z: fixed times keep the flow reproducible (every call takes `now`).
T0 = 1_795_942_800
HOUR = 3600
DAY = 86_400
HOST = "luca.example"
YEAR = ffi.Validity(not_before=T0 - DAY, not_after=T0 + 365 * DAY)


def fields(first, last, phone):
    return ffi.ContactFields(
        first_name=first,
        last_name=last,
        phone=phone,
        email=f"{first.lower()}@example.org",
        street="Heidestraße",
        house_number="17",
        postcode="51147",
        city="Köln",
    )


ERIKA = fields("Erika", "Mustermann", "+49 221 1000001")
MAX = fields("Max", "Schmidt", "+49 221 1000002")
PAUL = fields("Paul", "Weber", "+49 221 1000003")


def kind(error):
    """The stable kind: the message is `<kind>: <text>`."""
    return str(error).split(":", 1)[0]


def expect_error(error_class, expected_kind, call, *args):
    try:
        call(*args)
    except error_class as e:
        assert kind(e) == expected_kind, f"expected kind {expected_kind!r}, got {str(e)!r}"
        return e
    raise AssertionError(f"expected {error_class.__name__} {expected_kind!r}, got no error")


class Town:
    """Everything the steps share, including the stand-in servers."""

    contact_data = {}  # user id -> encrypted contact data (operator server)
    records = []  # StoredCheckIn of the venue (operator server)
    history_shares = {}  # canonical TAN -> history share (operator server)


t = Town()


def step_trust_anchor_and_offices():
    t.anchor = ffi.TrustAnchor()
    assert len(t.anchor.public_key()) == 65
    t.office_a, t.office_b = ffi.HealthOffice(), ffi.HealthOffice()
    t.cert_a = t.office_a.install_certificate(
        t.anchor.certify_health_office(t.office_a.certificate_request("Gesundheitsamt A"), YEAR),
        t.anchor.public_key(),
        T0,
    )
    t.cert_b = t.office_b.install_certificate(
        t.anchor.certify_health_office(t.office_b.certificate_request("Gesundheitsamt B"), YEAR),
        t.anchor.public_key(),
        T0,
    )
    assert t.cert_b.office_id() == t.office_b.office_id()
    assert t.cert_b.name() == "Gesundheitsamt B"
    # Everyone else verifies the certificate bytes against the pinned anchor.
    again = ffi.HealthOfficeCertificate.verify(t.cert_b.to_bytes(), t.anchor.public_key(), T0)
    assert again.office_id() == t.office_b.office_id()
    other_anchor = ffi.TrustAnchor()
    expect_error(
        ffi.LucaError.Verification,
        "bad_signature",
        ffi.HealthOfficeCertificate.verify,
        t.cert_b.to_bytes(),
        other_anchor.public_key(),
        T0,
    )


def step_daily_key_rotation_and_share():
    rotation = t.office_a.rotate_daily_key(T0, [t.cert_a, t.cert_b])
    assert len(rotation.shares) == 1 and rotation.shares[0].recipient == t.office_b.office_id()
    announcement = rotation.announcement.to_bytes()
    imported = t.office_b.import_key_share(rotation.shares[0].share, announcement, t.cert_a, T0)
    assert imported.purpose == ffi.KeyPurpose.DAILY and not imported.already_held
    # Apps and scanners verify the announcement through the issuer's certificate.
    t.daily = ffi.DailyKeyAnnouncement.verify(announcement, t.cert_a, T0)
    assert t.daily.key_id() == (T0 // DAY) % 65536 and t.daily.is_in_use_at(T0)
    assert t.office_b.current_daily_key(T0).to_bytes() == announcement
    expect_error(ffi.LucaError.Key, "key_already_held", t.office_a.rotate_daily_key, T0, [])


def step_registrar_and_venue():
    t.registrar = ffi.Registrar()
    request = t.registrar.registration_request("luca Venue Registrar")
    t.reg_cert = t.registrar.install_certificate(
        t.anchor.certify_registrar(request, YEAR), t.anchor.public_key(), T0
    )
    assert t.reg_cert.registrar_id() == t.registrar.registrar_id()
    t.venue = ffi.Venue()
    request = t.venue.registration_request("Café Luca", 12)
    descriptor = t.registrar.register_venue(request, YEAR)
    t.venue.install_descriptor(descriptor, t.reg_cert, T0)
    t.venue_url = t.venue.printed_qr_url(HOST, 3)
    assert t.venue_url.startswith(f"https://{HOST}/v1/checkin#"), t.venue_url
    assert "<svg" in ffi.render_qr_svg(t.venue_url)
    t.scanner = t.venue.scanner()
    t.scanner.add_daily_key(t.daily)
    assert t.scanner.venue_id() == t.venue.venue_id()
    # A scanner device given only the printed QR code.
    other = ffi.Scanner.for_venue_qr(t.venue_url, t.reg_cert, T0)
    assert other.venue_id() == t.venue.venue_id()


def register(person, device):
    reg = ffi.register_guest(person, device, T0)
    user_id = reg.guest.user_id()
    assert len(user_id) == 16
    t.contact_data[user_id] = reg.contact_data
    return reg.guest


def step_guests_register():
    t.erika = register(ERIKA, ffi.DeviceType.ANDROID)
    t.max = register(MAX, ffi.DeviceType.IOS)
    t.paul = register(PAUL, ffi.DeviceType.ANDROID)
    assert t.max.device_type() == ffi.DeviceType.IOS
    bad = fields("Max", "Schmidt", "+49 221 1000002")
    bad.first_name = "Max\u202e"  # a bidi control character
    e = expect_error(ffi.LucaError.Guest, "invalid_field", ffi.register_guest, bad, ffi.DeviceType.IOS, T0)
    assert str(e).endswith("first_name: forbidden character U+202E"), str(e)


def step_scanner_check_in():
    code = t.erika.check_in_code(t.daily, T0)
    assert len(code.text) == 175 and code.minute == T0 // 60
    assert code.svg.lstrip().startswith("<?xml") and "<svg" in code.svg
    scan = t.scanner.scan(code.text, T0 + 4)
    assert scan.trace_id == code.trace_id and scan.minute == code.minute
    assert scan.source == ffi.CheckInSource.GUEST
    # Records repr with their fields (Rust's Debug, exported); personal data only redacted.
    r = repr(scan)
    assert r.startswith("ScanResult { record: [") and r.endswith(f"minute: {scan.minute}, source: Guest }}"), r
    assert f"trace_id: {list(scan.trace_id)}, " in r, r
    assert repr(ERIKA) == "ContactFields(<redacted>)" and "Erika" not in repr(ERIKA)
    t.records.append(ffi.StoredCheckIn(record=scan.record, additional_data=None))
    t.erika_code = code
    t.erika_checkout = t.erika.checkout(code.minute, T0 + HOUR)
    assert len(t.erika_checkout) > 0


def step_small_stack_thread():
    """Issue 14: QR rendering on a Python thread with a 64 KiB stack (with `fast_qr` this was a segfault)."""
    guest = ffi.register_guest(fields("Lea", "Klein", "+49 221 1000004"), ffi.DeviceType.IOS, T0).guest
    results = {}

    def render():
        results["code"] = guest.check_in_code(t.daily, T0 + 60)
        results["svg"] = ffi.render_qr_svg(t.venue_url)

    previous = threading.stack_size(64 * 1024)
    try:
        worker = threading.Thread(target=render)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(previous)
    code = results["code"]
    assert len(code.text) == 175 and code.minute == (T0 + 60) // 60
    # Rendering is deterministic: the thread's SVGs are the main thread's renderings of the same texts.
    assert code.svg == ffi.render_qr_svg(code.text)
    assert results["svg"] == ffi.render_qr_svg(t.venue_url)
    # The code made on the small thread scans.
    scan = ffi.Scanner.for_venue_qr(t.venue_url, t.reg_cert, T0)
    scan.add_daily_key(t.daily)
    assert scan.scan(code.text, T0 + 62).trace_id == code.trace_id


def step_scanner_rejections():
    # A tampered QR: one Base32 character changed in the middle; the checksum catches it.
    code = t.paul.check_in_code(t.daily, T0 + 30)
    i = 80
    swapped = "B" if code.text[i] != "B" else "C"
    tampered = code.text[:i] + swapped + code.text[i + 1 :]
    expect_error(ffi.LucaError.Scan, "bad_checksum", t.scanner.scan, tampered, T0 + 32)
    expect_error(ffi.LucaError.Scan, "stale", t.scanner.scan, code.text, T0 + 30 + 10 * 60)
    expect_error(ffi.LucaError.Scan, "from_future", t.scanner.scan, code.text, T0 - 10 * 60)
    expect_error(ffi.LucaError.Scan, "invalid_base32", t.scanner.scan, "not a QR code", T0)
    # The untouched code still scans once; a replay is refused.
    t.scanner.scan(code.text, T0 + 33)
    expect_error(ffi.LucaError.Scan, "duplicate_trace_id", t.scanner.scan, code.text, T0 + 40)
    # Nothing was emitted for the refused scans: Paul's scanned record is simply not stored here.


def step_self_check_in():
    venue = ffi.ScannedVenue.scan(t.venue_url, t.reg_cert, T0 + 60)
    assert venue.kind() == ffi.VenueKind.VENUE
    assert (venue.name(), venue.table(), venue.venue_id()) == ("Café Luca", 3, t.venue.venue_id())
    check_in = t.max.self_check_in(venue, t.daily, T0 + 60)
    assert check_in.venue_id == t.venue.venue_id() and check_in.additional_data is not None
    t.records.append(ffi.StoredCheckIn(record=check_in.record, additional_data=check_in.additional_data))
    t.max_trace_id = check_in.trace_id
    entries = t.max.check_ins()
    assert [e.trace_id for e in entries] == [check_in.trace_id] and entries[0].venue_id == t.venue.venue_id()
    # A venue QR whose descriptor another registrar signed is refused.
    other = ffi.Registrar()
    other_cert = other.install_certificate(
        t.anchor.certify_registrar(other.registration_request("Other Registrar"), YEAR), t.anchor.public_key(), T0
    )
    expect_error(ffi.LucaError.Guest, "wrong_issuer", ffi.ScannedVenue.scan, t.venue_url, other_cert, T0)


def step_private_meeting():
    host = ffi.PrivateMeetingHost("Birthday at Erika's", ffi.Validity(not_before=T0, not_after=T0 + DAY))
    url = host.qr_url(HOST)
    meeting = ffi.ScannedVenue.scan(url, t.reg_cert, T0 + 120)
    assert meeting.kind() == ffi.VenueKind.PRIVATE_MEETING and meeting.table() is None
    expect_error(ffi.LucaError.Guest, "wrong_kind", t.max.self_check_in, meeting, t.daily, T0 + 120)
    venue = ffi.ScannedVenue.scan(t.venue_url, t.reg_cert, T0 + 120)
    expect_error(
        ffi.LucaError.Guest, "wrong_kind", t.max.check_in_private_meeting, venue, t.daily, "Max Schmidt", T0 + 120
    )
    c = t.max.check_in_private_meeting(meeting, t.daily, "Max Schmidt", T0 + 120)
    guests = host.read_guests([ffi.StoredCheckIn(record=c.record, additional_data=c.additional_data)])
    assert [g.name for g in guests] == ["Max Schmidt"]


def step_later_guest():
    # Paul comes five hours later: outside the tracing window below.
    later = T0 + 5 * HOUR
    code = t.paul.check_in_code(t.daily, later)
    scan = t.scanner.scan(code.text, later + 3)
    t.records.append(ffi.StoredCheckIn(record=scan.record, additional_data=None))


def step_state_export_import():
    saved = t.erika.export_state()
    restored = ffi.Guest.import_state(saved)
    assert restored.user_id() == t.erika.user_id() and restored.check_ins() == t.erika.check_ins()
    assert restored.export_state() == saved
    expect_error(ffi.LucaError.State, "too_long", ffi.Guest.import_state, b"\x00" * (3 * 1024 * 1024))
    office = ffi.HealthOffice.import_state(t.office_b.export_state())
    assert office.office_id() == t.office_b.office_id()
    venue = ffi.Venue.import_state(t.venue.export_state())
    expect_error(ffi.LucaError.Venue, "no_descriptor", venue.printed_qr_url, HOST, None)
    venue.reverify_descriptor(t.reg_cert, T0)
    assert venue.printed_qr_url(HOST, 3) == t.venue_url


def step_history_share_by_tan():
    t.positive = T0 + 2 * HOUR
    share = t.erika.share_history(t.daily, t.positive)
    tan = ffi.generate_tan()
    t.history_shares[tan] = share
    # Read aloud on the phone and typed by the office in lower case: same TAN.
    typed = tan.lower()
    assert ffi.normalize_tan(typed) == tan
    t.history = t.office_b.open_history_share(t.history_shares[ffi.normalize_tan(typed)])
    assert t.history.user_id() == t.erika.user_id()
    assert t.history.days() == [T0 // DAY]
    # The office that never received the daily key cannot open it.
    stranger = ffi.HealthOffice()
    expect_error(ffi.LucaError.Tracing, "unknown_daily_key", stranger.open_history_share, share)


def step_trace_ids_and_tracing_request():
    matches = t.history.match_check_ins([r.record for r in t.records])
    assert len(matches) == 1, matches
    m = matches[0]
    assert (m.trace_id, m.minute, m.venue_id) == (t.erika_code.trace_id, t.erika_code.minute, t.venue.venue_id())
    # Everyone who checked in from 30 minutes before her until her checkout.
    window = ffi.TracingWindow(start=m.minute * 60 - 1800, end=m.minute * 60 + HOUR)
    t.request = t.office_b.request_tracing(m.venue_id, window, t.positive, DAY)
    assert t.request.venue_id() == t.venue.venue_id()
    again = ffi.TracingRequest.verify(t.request.to_bytes(), t.cert_b, t.positive)
    assert again.request_id() == t.request.request_id()


def step_venue_consent():
    # The venue verifies the request with the requesting office's certificate and consents.
    answer = t.venue.answer_tracing_request(t.request.to_bytes(), t.cert_b, t.records, t.positive + 60)
    assert (answer.consented, answer.outside_window, answer.other_venue) == (2, 1, 0), answer
    assert answer.failed == [] and answer.additional_data_failed == []
    t.responses = answer.responses
    # A request verified against another office's certificate is refused.
    expect_error(
        ffi.LucaError.Venue,
        "wrong_issuer",
        t.venue.answer_tracing_request,
        t.request.to_bytes(),
        t.cert_a,
        t.records,
        t.positive + 60,
    )


def step_open_consent_and_decrypt():
    contacts = []
    infected = t.history.user_id()
    for response in t.responses:
        opened = t.office_b.open_consent_response(response, t.request)
        assert opened.venue_id == t.venue.venue_id() and opened.request_id == t.request.request_id()
        assert opened.unreadable == []
        for check_in in opened.check_ins:
            if check_in.user_id() == infected:
                continue
            contacts.append(t.office_b.decrypt_contact(t.contact_data[check_in.user_id()], check_in))
        # Only the requesting office can open it.
        expect_error(ffi.LucaError.Tracing, "binding_mismatch", t.office_a.open_consent_response, response, t.request)
    assert len(contacts) == 1, contacts
    contact = contacts[0]
    assert contact.fields == MAX, "the decrypted contact is not what Max registered"
    assert (contact.user_id, contact.trace_id, contact.table) == (t.max.user_id(), t.max_trace_id, 3)
    t.contacts = contacts


def step_export():
    rows = json.loads(ffi.contacts_to_json(t.contacts))
    assert len(rows) == 1 and rows[0]["last_name"] == "Schmidt" and rows[0]["city"] == "Köln", rows
    table = list(csv.reader(io.StringIO(ffi.contacts_to_csv(t.contacts))))
    assert len(table) == 2 and "Schmidt" in table[1], table


def step_notifications():
    accessed = [c.trace_id for c in t.contacts]
    warned = [ffi.Warning(trace_id=c.trace_id, level=2) for c in t.contacts]
    data = t.office_b.notification_list(accessed, warned, t.positive)
    notification_list = ffi.NotificationList.verify(data, t.cert_b, t.positive)
    matches = t.max.check_notifications(notification_list)
    assert sorted(m.level for m in matches) == [0, 2], matches
    assert all(m.office_id == t.office_b.office_id() for m in matches)
    assert t.paul.check_notifications(notification_list) == []
    expect_error(
        ffi.LucaError.Verification, "wrong_issuer", ffi.NotificationList.verify, data, t.cert_a, t.positive
    )


# --- A threshold daily key: three health offices, any two of which open (PROTOCOL.md §13).


class Committee:
    """The threshold part's shared state."""


c = Committee()
JANA = fields("Jana", "Novak", "+49 221 1000004")
TOM = fields("Tom", "Becker", "+49 221 1000005")


class OnlyFor:
    """A committee member's policy (a uniffi callback interface): this requester, this case only."""

    def __init__(self, requester, authorization):
        self.requester, self.authorization, self.asked = requester, authorization, 0

    def allow(self, request):
        self.asked += 1
        return (
            request.requester == self.requester and request.authorization == self.authorization and len(request.encs) > 0
        )


def step_committee_offices():
    c.offices, c.certs = [], []
    for name in ("Gesundheitsamt C", "Gesundheitsamt D", "Gesundheitsamt E"):
        office = ffi.HealthOffice()
        request = office.certificate_request(name)
        c.certs.append(office.install_certificate(t.anchor.certify_health_office(request, YEAR), t.anchor.public_key(), T0))
        c.offices.append(office)


def step_committee_dkg():
    # Every message goes to every member (the server is a list).
    dkgs = [office.start_committee_dkg(c.certs, 2, T0) for office in c.offices]
    dealings = [d.dealing() for d in dkgs]
    complaints = []
    for d in dkgs:
        received = d.receive(dealings)
        assert received.rejected == []
        complaints += received.complaints
    assert complaints == []
    expect_error(ffi.LucaError.Committee, "invalid_state", dkgs[0].receive, dealings)
    justifications = [j for d in dkgs for j in d.justify(complaints)]
    installed = [d.finish(complaints, justifications) for d in dkgs]
    assert [i.member for i in installed] == [1, 2, 3]
    assert len({bytes(i.public_key) for i in installed}) == 1 and all(i.disqualified == [] for i in installed)
    c.key_id = installed[0].daily_key_id
    assert c.key_id == (T0 // DAY) % 65536 and c.offices[1].committee_key_ids() == [c.key_id]
    expect_error(ffi.LucaError.Committee, "invalid_state", dkgs[0].finish, complaints, justifications)
    # A second DKG of the same day's key is refused.
    expect_error(ffi.LucaError.Committee, "key_already_held", c.offices[0].start_committee_dkg, c.certs, 2, T0)


def step_committee_key_announcement():
    # Members D and E sign; any of the drafts assembles (they are the same bytes).
    signings = [office.sign_committee_key(c.key_id) for office in c.offices[1:]]
    assert signings[0].draft.payload() == signings[1].draft.payload()
    one = signings[0].draft.assemble([signings[0].signature])
    expect_error(ffi.LucaError.Verification, "too_few", ffi.CommitteeKeyAnnouncement.verify, one, c.certs, T0)
    announcement = signings[1].draft.assemble([s.signature for s in signings])
    # Guests and scanners verify it with the health offices' certificates.
    c.daily = ffi.CommitteeKeyAnnouncement.verify(announcement, c.certs + [t.cert_a], T0)
    assert (c.daily.key_id(), c.daily.threshold(), c.daily.signers()) == (c.key_id, 2, [2, 3])
    assert c.daily.committee() == [o.office_id() for o in c.offices] and c.daily.is_in_use_at(T0)


def step_committee_check_ins():
    c.venue = ffi.Venue()
    c.venue.install_descriptor(t.registrar.register_venue(c.venue.registration_request("Bar Luca", 5), YEAR), t.reg_cert, T0)
    scanner = c.venue.scanner()
    scanner.add_committee_key(c.daily)
    c.jana, c.tom = register(JANA, ffi.DeviceType.ANDROID), register(TOM, ffi.DeviceType.IOS)
    code = c.jana.check_in_code_committee(c.daily, T0 + 60)
    scan = scanner.scan(code.text, T0 + 62)
    scanned = ffi.ScannedVenue.scan(c.venue.printed_qr_url(HOST, 2), t.reg_cert, T0 + 90)
    own = c.tom.self_check_in_committee(scanned, c.daily, T0 + 90)
    c.records = [
        ffi.StoredCheckIn(record=scan.record, additional_data=None),
        ffi.StoredCheckIn(record=own.record, additional_data=own.additional_data),
    ]
    c.jana_minute = code.minute


def answer_all(pending, members, authorization, now):
    tracer = c.certs[0]
    for request in pending.requests():
        for m in members:
            policy = OnlyFor(tracer.office_id(), authorization)
            answer = c.offices[m].answer_partial_decryption(request.request, tracer, now, policy)
            assert policy.asked == 1
            assert pending.accept(request.daily_key_id, answer) == m + 1


def step_committee_history_share():
    c.now = T0 + 2 * HOUR
    share = c.jana.share_history_committee(c.daily, c.now)
    tracer = c.offices[0]
    expect_error(ffi.LucaError.Tracing, "unknown_daily_key", tracer.open_history_share, share)
    opening = tracer.threshold_opening()
    opening.add_history_share(share)
    c.case = b"case 2026-0815"
    # The request names the members asked: C (the tracing office itself) and D. Fewer than t of
    # the committee: nothing is signed.
    asked = [c.certs[0].office_id(), c.certs[1].office_id()]
    expect_error(ffi.LucaError.Tracing, "too_few", opening.request_partials, c.now, 600, c.case, asked[:1])
    pending = opening.request_partials(c.now, 600, c.case, asked)
    expect_error(ffi.LucaError.Committee, "invalid_state", opening.request_partials, c.now, 600, c.case, asked)
    requests = pending.requests()
    assert [r.daily_key_id for r in requests] == [c.key_id]
    assert requests[0].responders == asked
    # Member E's policy approves another case only: refused.
    refusing = OnlyFor(c.certs[0].office_id(), b"another case")
    expect_error(
        ffi.LucaError.Committee,
        "refused_by_policy",
        c.offices[2].answer_partial_decryption,
        requests[0].request,
        c.certs[0],
        c.now,
        refusing,
    )
    assert refusing.asked == 1
    # E is not asked: it refuses whatever its policy says.
    expect_error(
        ffi.LucaError.Committee,
        "refused",
        c.offices[2].answer_partial_decryption,
        requests[0].request,
        c.certs[0],
        c.now,
        OnlyFor(c.certs[0].office_id(), c.case),
    )

    # A policy that raises fails the call (`policy_failed`); it ran without the office's lock, so
    # the office still works.
    class Broken:
        def allow(self, request):
            raise RuntimeError("policy database unreachable")

    class Undecided:
        def allow(self, request):
            raise ffi.PolicyError.Failed("no case file")

    for policy in (Broken(), Undecided()):
        expect_error(
            ffi.LucaError.Committee,
            "policy_failed",
            c.offices[1].answer_partial_decryption,
            requests[0].request,
            c.certs[0],
            c.now,
            policy,
        )
    assert c.offices[1].committee_key_ids() == [c.key_id]
    answer_all(pending, [0, 1], c.case, c.now)
    # An answer kept to replay against the next opening.
    c.old_answer = c.offices[1].answer_partial_decryption(requests[0].request, c.certs[0], c.now, OnlyFor(c.certs[0].office_id(), c.case))
    opened = pending.finish()
    assert len(opened.histories) == 1 and opened.histories[0].error_kind is None
    c.history = opened.histories[0].history
    assert c.history.user_id() == c.jana.user_id()
    matches = c.history.match_check_ins([r.record for r in c.records])
    assert [m.minute for m in matches] == [c.jana_minute], matches


def step_committee_consent_and_decrypt():
    tracer = c.offices[0]
    window = ffi.TracingWindow(start=c.jana_minute * 60 - 1800, end=c.jana_minute * 60 + HOUR)
    request = tracer.request_tracing(c.venue.venue_id(), window, c.now, DAY)
    answer = c.venue.answer_tracing_request(request.to_bytes(), c.certs[0], c.records, c.now + 60)
    assert answer.consented == 2, answer
    opening = tracer.threshold_opening()
    for response in answer.responses:
        opening.add_consent_response(response, request)
    pending = opening.request_partials(c.now + 60, 600, c.case, [c.certs[0].office_id(), c.certs[2].office_id()])
    # The replayed answer is named: member D's partials are wrong for this request (which asks C and E).
    expect_error(ffi.LucaError.Tracing, "wrong_partial", pending.accept, c.key_id, c.old_answer)
    answer_all(pending, [0, 2], c.case, c.now + 60)
    contacts = []
    for consent in pending.finish().consents:
        assert consent.unreadable == [] and consent.request_id == request.request_id()
        for check_in in consent.check_ins:
            if check_in.user_id() != c.history.user_id():
                contacts.append(tracer.decrypt_contact(t.contact_data[check_in.user_id()], check_in))
    assert len(contacts) == 1, contacts
    assert contacts[0].fields == TOM, "the decrypted contact is not what Tom registered"
    assert (contacts[0].fields.first_name, contacts[0].user_id, contacts[0].table) == ("Tom", c.tom.user_id(), 2)
    expect_error(ffi.LucaError.Committee, "invalid_state", pending.finish)


STEPS = [
    step_trust_anchor_and_offices,
    step_daily_key_rotation_and_share,
    step_registrar_and_venue,
    step_guests_register,
    step_scanner_check_in,
    step_small_stack_thread,
    step_scanner_rejections,
    step_self_check_in,
    step_private_meeting,
    step_later_guest,
    step_state_export_import,
    step_history_share_by_tan,
    step_trace_ids_and_tracing_request,
    step_venue_consent,
    step_open_consent_and_decrypt,
    step_export,
    step_notifications,
    step_committee_offices,
    step_committee_dkg,
    step_committee_key_announcement,
    step_committee_check_ins,
    step_committee_history_share,
    step_committee_consent_and_decrypt,
]


def main():
    passed = failed = skipped = 0
    for step in STEPS:
        name = step.__name__.removeprefix("step_")
        if failed:
            skipped += 1
            print(f"SKIP {name}")
            continue
        try:
            step()
        except Exception:  # noqa: BLE001 - report every failure, then stop
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc(file=sys.stdout)
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
