// A whole luca flow through the FFI (the generated Kotlin bindings, package org.luca.ffi), as an
// Android or JVM app would drive it: the Kotlin twin of luca-ffi/tests/python/test_flow.py, step
// for step and with the same exact-value assertions (see that file's docstring for the story).
//
// A trust anchor certifies two health offices and the venue registrar; office A rotates the daily
// key and shares it with office B; a venue is registered and runs a scanner. Erika checks in at the
// scanner, Max checks in himself (and at a private meeting), Paul comes hours later. Erika shares
// her history by TAN; office B finds her check-in, gets the venue's consent and decrypts Max's
// contact. Then a threshold daily key: three offices run the committee DKG (any two open), Jana and
// Tom check in under it, and office C opens Jana's history and the consent with partial
// decryptions answered through each co-office's policy callback.
//
// Differences from the Python flow, all forced by Kotlin or the JVM:
//  - uniffi's Kotlin records are data classes, and a data class compares ByteArray fields by
//    reference: byte fields are compared with contentEquals (helpers below), never with ==.
//  - The small-stack step runs on a JVM thread asking for a 64 KiB stack; HotSpot rounds a request
//    below its minimum Java thread stack size up to that minimum (about 136 KiB on Linux x86_64, and
//    part of it is guard zones), so the native code gets a small stack, not exactly 64 KiB.
//  - The JDK has no JSON or CSV reader: minimal ones below read contacts_to_json / contacts_to_csv.
//
// Run by run.sh; exits non-zero on any failure and ends with `kotlin flow: N checks passed`
// (after a failing step the remaining steps depend on it and are reported as skipped).

import org.luca.ffi.*
import kotlin.system.exitProcess

// 2026-11-29T09:00:00Z: fixed times keep the flow reproducible (every call takes `now`).
const val T0: ULong = 1_795_942_800uL
const val MINUTE: ULong = 60uL
const val HOUR: ULong = 3600uL
const val DAY: ULong = 86_400uL
const val HOST = "luca.example"
val YEAR = Validity(notBefore = T0 - DAY, notAfter = T0 + 365uL * DAY)

fun minuteOf(t: ULong): UInt = (t / MINUTE).toUInt()

fun dayKeyId(t: ULong): UShort = ((t / DAY) % 65536uL).toUShort()

fun fields(first: String, last: String, phone: String) = ContactFields(
    firstName = first,
    lastName = last,
    phone = phone,
    email = "${first.lowercase()}@example.org",
    street = "Heidestraße",
    houseNumber = "17",
    postcode = "51147",
    city = "Köln",
)

val ERIKA = fields("Erika", "Mustermann", "+49 221 1000001")
val MAX = fields("Max", "Schmidt", "+49 221 1000002")
val PAUL = fields("Paul", "Weber", "+49 221 1000003")

// --- Checks: every one throws on failure (the JVM's `assert` is off by default) and is counted.

var checks = 0

class CheckFailed(message: String) : AssertionError(message)

fun ok(condition: Boolean, message: () -> String = { "check failed" }) {
    if (!condition) throw CheckFailed(message())
    checks++
}

fun <T> eq(actual: T, expected: T, what: String) =
    ok(actual == expected) { "$what: expected $expected, got $actual" }

fun hex(bytes: ByteArray?): String = bytes?.joinToString("") { "%02x".format(it) } ?: "null"

fun same(a: ByteArray?, b: ByteArray?, what: String) =
    ok(if (a == null || b == null) a == b else a.contentEquals(b)) { "$what: ${hex(a)} != ${hex(b)}" }

fun sameList(a: List<ByteArray>, b: List<ByteArray>, what: String) =
    ok(a.map(::hex) == b.map(::hex)) { "$what: ${a.map(::hex)} != ${b.map(::hex)}" }

fun entryKey(e: CheckInEntry) = Triple(hex(e.traceId), e.minute, hex(e.venueId))

/** The stable kind: the message is `<kind>: <text>`. */
fun kind(e: Throwable): String = (e.message ?: "").substringBefore(":")

/** Runs [call], which must throw an [E] whose kind is [expectedKind]; returns the exception. */
inline fun <reified E : Throwable> expectError(expectedKind: String, call: () -> Unit): E {
    try {
        call()
    } catch (e: Throwable) {
        if (e !is E) throw CheckFailed("expected ${E::class.simpleName} $expectedKind, got ${e::class.qualifiedName}: ${e.message}")
        ok(kind(e) == expectedKind) { "expected kind $expectedKind, got ${e.message}" }
        return e
    }
    throw CheckFailed("expected ${E::class.simpleName} $expectedKind, got no error")
}

// --- Minimal readers for the export formats (enough for contacts_to_json / contacts_to_csv).

class Json(private val s: String) {
    private var i = 0

    fun parse(): Any? = value().also { ws(); require(i == s.length) { "trailing JSON at $i" } }

    private fun ws() { while (i < s.length && s[i].isWhitespace()) i++ }

    private fun value(): Any? {
        ws()
        require(i < s.length) { "JSON ends early" }
        return when (s[i]) {
            '{' -> {
                i++
                val m = LinkedHashMap<String, Any?>()
                ws()
                if (s[i] == '}') { i++; return m }
                while (true) {
                    ws(); val k = string(); ws(); require(s[i++] == ':') { "':' expected at ${i - 1}" }
                    m[k] = value(); ws()
                    when (s[i++]) { ',' -> continue; '}' -> return m; else -> error("',' or '}' expected at ${i - 1}") }
                }
                @Suppress("UNREACHABLE_CODE") m
            }
            '[' -> {
                i++
                val l = ArrayList<Any?>()
                ws()
                if (s[i] == ']') { i++; return l }
                while (true) {
                    l.add(value()); ws()
                    when (s[i++]) { ',' -> continue; ']' -> return l; else -> error("',' or ']' expected at ${i - 1}") }
                }
                @Suppress("UNREACHABLE_CODE") l
            }
            '"' -> string()
            else -> {
                val start = i
                while (i < s.length && s[i] !in ",}] \t\r\n") i++
                when (val word = s.substring(start, i)) {
                    "null" -> null; "true" -> true; "false" -> false
                    else -> word.toBigDecimalOrNull() ?: error("bad JSON token $word")
                }
            }
        }
    }

    private fun string(): String {
        require(s[i++] == '"') { "string expected at ${i - 1}" }
        val b = StringBuilder()
        while (true) {
            val ch = s[i++]
            when (ch) {
                '"' -> return b.toString()
                '\\' -> when (val e = s[i++]) {
                    'n' -> b.append('\n'); 't' -> b.append('\t'); 'r' -> b.append('\r')
                    'b' -> b.append('\b'); 'f' -> b.append('\u000c')
                    'u' -> { b.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                    else -> b.append(e)
                }
                else -> b.append(ch)
            }
        }
    }
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF or LF). */
fun csvRows(text: String): List<List<String>> {
    val rows = ArrayList<List<String>>()
    var row = ArrayList<String>()
    val field = StringBuilder()
    var quoted = false
    var i = 0
    while (i < text.length) {
        val ch = text[i]
        if (quoted) {
            if (ch == '"' && i + 1 < text.length && text[i + 1] == '"') { field.append('"'); i++ }
            else if (ch == '"') quoted = false
            else field.append(ch)
        } else when (ch) {
            '"' -> quoted = true
            ',' -> { row.add(field.toString()); field.clear() }
            '\r' -> {}
            '\n' -> { row.add(field.toString()); field.clear(); rows.add(row); row = ArrayList() }
            else -> field.append(ch)
        }
        i++
    }
    if (field.isNotEmpty() || row.isNotEmpty()) { row.add(field.toString()); rows.add(row) }
    return rows
}

// --- Everything the steps share, including the stand-in servers.

object Town {
    val contactData = HashMap<String, ByteArray>() // hex user id -> encrypted contact data (operator server)
    val records = ArrayList<StoredCheckIn>() // the venue's stored check-ins (operator server)
    val historyShares = HashMap<String, ByteArray>() // canonical TAN -> history share (operator server)

    lateinit var anchor: TrustAnchor
    lateinit var officeA: HealthOffice
    lateinit var officeB: HealthOffice
    lateinit var certA: HealthOfficeCertificate
    lateinit var certB: HealthOfficeCertificate
    lateinit var daily: DailyKeyAnnouncement
    lateinit var registrar: Registrar
    lateinit var regCert: RegistrarCertificate
    lateinit var venue: Venue
    lateinit var venueUrl: String
    lateinit var scanner: Scanner
    lateinit var erika: Guest
    lateinit var max: Guest
    lateinit var paul: Guest
    lateinit var erikaCode: CheckInCode
    lateinit var maxTraceId: ByteArray
    var positive: ULong = 0uL
    lateinit var history: OpenedHistory
    lateinit var request: TracingRequest
    lateinit var responses: List<ByteArray>
    lateinit var contacts: List<Contact>
}

val t = Town

fun stepTrustAnchorAndOffices() {
    t.anchor = TrustAnchor()
    eq(t.anchor.publicKey().size, 65, "trust anchor key length")
    t.officeA = HealthOffice()
    t.officeB = HealthOffice()
    t.certA = t.officeA.installCertificate(
        t.anchor.certifyHealthOffice(t.officeA.certificateRequest("Gesundheitsamt A"), YEAR),
        t.anchor.publicKey(),
        T0,
    )
    t.certB = t.officeB.installCertificate(
        t.anchor.certifyHealthOffice(t.officeB.certificateRequest("Gesundheitsamt B"), YEAR),
        t.anchor.publicKey(),
        T0,
    )
    same(t.certB.officeId(), t.officeB.officeId(), "certificate office id")
    eq(t.certB.name(), "Gesundheitsamt B", "certificate name")
    // Everyone else verifies the certificate bytes against the pinned anchor.
    val again = HealthOfficeCertificate.verify(t.certB.toBytes(), t.anchor.publicKey(), T0)
    same(again.officeId(), t.officeB.officeId(), "verified certificate office id")
    val otherAnchor = TrustAnchor()
    expectError<LucaException.Verification>("bad_signature") {
        HealthOfficeCertificate.verify(t.certB.toBytes(), otherAnchor.publicKey(), T0)
    }
}

fun stepDailyKeyRotationAndShare() {
    val rotation = t.officeA.rotateDailyKey(T0, listOf(t.certA, t.certB))
    eq(rotation.shares.size, 1, "key shares")
    same(rotation.shares[0].recipient, t.officeB.officeId(), "share recipient")
    val announcement = rotation.announcement.toBytes()
    val imported = t.officeB.importKeyShare(rotation.shares[0].share, announcement, t.certA, T0)
    eq(imported.purpose, KeyPurpose.DAILY, "imported key purpose")
    ok(!imported.alreadyHeld) { "imported key already held" }
    // Apps and scanners verify the announcement through the issuer's certificate.
    t.daily = DailyKeyAnnouncement.verify(announcement, t.certA, T0)
    eq(t.daily.keyId(), dayKeyId(T0), "daily key id")
    ok(t.daily.isInUseAt(T0)) { "daily key not in use at T0" }
    same(t.officeB.currentDailyKey(T0)?.toBytes(), announcement, "office B's current daily key")
    expectError<LucaException.Key>("key_already_held") { t.officeA.rotateDailyKey(T0, listOf()) }
}

fun stepRegistrarAndVenue() {
    t.registrar = Registrar()
    val regRequest = t.registrar.registrationRequest("luca Venue Registrar")
    t.regCert = t.registrar.installCertificate(t.anchor.certifyRegistrar(regRequest, YEAR), t.anchor.publicKey(), T0)
    same(t.regCert.registrarId(), t.registrar.registrarId(), "registrar id")
    t.venue = Venue()
    val request = t.venue.registrationRequest("Café Luca", 12u)
    val descriptor = t.registrar.registerVenue(request, YEAR)
    t.venue.installDescriptor(descriptor, t.regCert, T0)
    t.venueUrl = t.venue.printedQrUrl(HOST, 3u)
    ok(t.venueUrl.startsWith("https://$HOST/v1/checkin#")) { t.venueUrl }
    ok("<svg" in renderQrSvg(t.venueUrl)) { "no <svg in the venue QR" }
    t.scanner = t.venue.scanner()
    t.scanner.addDailyKey(t.daily)
    same(t.scanner.venueId(), t.venue.venueId(), "scanner venue id")
    // A scanner device given only the printed QR code.
    val other = Scanner.forVenueQr(t.venueUrl, t.regCert, T0)
    same(other.venueId(), t.venue.venueId(), "QR scanner venue id")
}

fun register(person: ContactFields, device: DeviceType): Guest {
    val reg = registerGuest(person, device, T0)
    val userId = reg.guest.userId()
    eq(userId.size, 16, "user id length")
    t.contactData[hex(userId)] = reg.contactData
    return reg.guest
}

fun stepGuestsRegister() {
    t.erika = register(ERIKA, DeviceType.ANDROID)
    t.max = register(MAX, DeviceType.IOS)
    t.paul = register(PAUL, DeviceType.ANDROID)
    eq(t.max.deviceType(), DeviceType.IOS, "Max's device type")
    val bad = fields("Max", "Schmidt", "+49 221 1000002").copy(firstName = "Max\u202e") // a bidi control character
    val e = expectError<LucaException.Guest>("invalid_field") { registerGuest(bad, DeviceType.IOS, T0) }
    ok(e.message!!.endsWith("first_name: forbidden character U+202E")) { e.message!! }
}

fun stepScannerCheckIn() {
    val code = t.erika.checkInCode(t.daily, T0)
    eq(code.text.length, 175, "check-in code length")
    eq(code.minute, minuteOf(T0), "check-in code minute")
    ok(code.svg.trimStart().startsWith("<?xml") && "<svg" in code.svg) { "check-in code SVG" }
    val scan = t.scanner.scan(code.text, T0 + 4uL)
    same(scan.traceId, code.traceId, "scanned trace id")
    eq(scan.minute, code.minute, "scanned minute")
    eq(scan.source, CheckInSource.GUEST, "scan source")
    // Records print with their fields (Rust's Debug, exported as toString); personal data only redacted.
    val shown = scan.toString()
    val traceId = scan.traceId.joinToString(", ", "[", "]") { (it.toInt() and 0xff).toString() }
    ok(shown.startsWith("ScanResult { record: [") && shown.endsWith("minute: ${scan.minute}, source: Guest }")) { shown }
    ok("trace_id: $traceId, " in shown) { shown }
    eq(ERIKA.toString(), "ContactFields(<redacted>)", "contact fields toString")
    t.records.add(StoredCheckIn(record = scan.record, additionalData = null))
    t.erikaCode = code
    val checkout = t.erika.checkout(code.minute, T0 + HOUR)
    ok(checkout.isNotEmpty()) { "empty checkout" }
}

fun stepSmallStackThread() {
    // Issue 14: QR rendering on a thread with a small stack (with `fast_qr` this was a segfault).
    val guest = registerGuest(fields("Lea", "Klein", "+49 221 1000004"), DeviceType.IOS, T0).guest
    var code: CheckInCode? = null
    var svg: String? = null
    var failure: Throwable? = null
    val worker = Thread(null, {
        try {
            code = guest.checkInCode(t.daily, T0 + 60uL)
            svg = renderQrSvg(t.venueUrl)
        } catch (e: Throwable) {
            failure = e
        }
    }, "small-stack", 64L * 1024)
    worker.start()
    worker.join()
    failure?.let { throw it }
    val c = code!!
    eq(c.text.length, 175, "small-stack code length")
    eq(c.minute, minuteOf(T0 + 60uL), "small-stack code minute")
    // Rendering is deterministic: the thread's SVGs are the main thread's renderings of the same texts.
    eq(c.svg, renderQrSvg(c.text), "small-stack code SVG")
    eq(svg, renderQrSvg(t.venueUrl), "small-stack venue SVG")
    // The code made on the small thread scans.
    val scanner = Scanner.forVenueQr(t.venueUrl, t.regCert, T0)
    scanner.addDailyKey(t.daily)
    same(scanner.scan(c.text, T0 + 62uL).traceId, c.traceId, "small-stack code scans")
}

fun stepScannerRejections() {
    // A tampered QR: one Base32 character changed in the middle; the checksum catches it.
    val code = t.paul.checkInCode(t.daily, T0 + 30uL)
    val i = 80
    val swapped = if (code.text[i] != 'B') 'B' else 'C'
    val tampered = code.text.substring(0, i) + swapped + code.text.substring(i + 1)
    expectError<LucaException.Scan>("bad_checksum") { t.scanner.scan(tampered, T0 + 32uL) }
    expectError<LucaException.Scan>("stale") { t.scanner.scan(code.text, T0 + 30uL + 10uL * MINUTE) }
    expectError<LucaException.Scan>("from_future") { t.scanner.scan(code.text, T0 - 10uL * MINUTE) }
    expectError<LucaException.Scan>("invalid_base32") { t.scanner.scan("not a QR code", T0) }
    // The untouched code still scans once; a replay is refused.
    t.scanner.scan(code.text, T0 + 33uL)
    expectError<LucaException.Scan>("duplicate_trace_id") { t.scanner.scan(code.text, T0 + 40uL) }
    // Nothing was emitted for the refused scans: Paul's scanned record is simply not stored here.
}

fun stepSelfCheckIn() {
    val venue = ScannedVenue.scan(t.venueUrl, t.regCert, T0 + 60uL)
    eq(venue.kind(), VenueKind.VENUE, "scanned venue kind")
    eq(venue.name(), "Café Luca", "scanned venue name")
    eq(venue.table(), 3.toUShort(), "scanned venue table")
    same(venue.venueId(), t.venue.venueId(), "scanned venue id")
    val checkIn = t.max.selfCheckIn(venue, t.daily, T0 + 60uL)
    same(checkIn.venueId, t.venue.venueId(), "self check-in venue id")
    ok(checkIn.additionalData != null) { "self check-in without additional data" }
    t.records.add(StoredCheckIn(record = checkIn.record, additionalData = checkIn.additionalData))
    t.maxTraceId = checkIn.traceId
    val entries = t.max.checkIns()
    sameList(entries.map { it.traceId }, listOf(checkIn.traceId), "Max's check-in trace ids")
    same(entries[0].venueId, t.venue.venueId(), "Max's check-in venue id")
    // A venue QR whose descriptor another registrar signed is refused.
    val other = Registrar()
    val otherCert = other.installCertificate(
        t.anchor.certifyRegistrar(other.registrationRequest("Other Registrar"), YEAR), t.anchor.publicKey(), T0,
    )
    expectError<LucaException.Guest>("wrong_issuer") { ScannedVenue.scan(t.venueUrl, otherCert, T0) }
}

fun stepPrivateMeeting() {
    val host = PrivateMeetingHost("Birthday at Erika's", Validity(notBefore = T0, notAfter = T0 + DAY))
    val url = host.qrUrl(HOST)
    val meeting = ScannedVenue.scan(url, t.regCert, T0 + 120uL)
    eq(meeting.kind(), VenueKind.PRIVATE_MEETING, "meeting kind")
    eq(meeting.table(), null, "meeting table")
    expectError<LucaException.Guest>("wrong_kind") { t.max.selfCheckIn(meeting, t.daily, T0 + 120uL) }
    val venue = ScannedVenue.scan(t.venueUrl, t.regCert, T0 + 120uL)
    expectError<LucaException.Guest>("wrong_kind") {
        t.max.checkInPrivateMeeting(venue, t.daily, "Max Schmidt", T0 + 120uL)
    }
    val c = t.max.checkInPrivateMeeting(meeting, t.daily, "Max Schmidt", T0 + 120uL)
    val guests = host.readGuests(listOf(StoredCheckIn(record = c.record, additionalData = c.additionalData)))
    eq(guests.map { it.name }, listOf<String?>("Max Schmidt"), "meeting guests")
}

fun stepLaterGuest() {
    // Paul comes five hours later: outside the tracing window below.
    val later = T0 + 5uL * HOUR
    val code = t.paul.checkInCode(t.daily, later)
    val scan = t.scanner.scan(code.text, later + 3uL)
    t.records.add(StoredCheckIn(record = scan.record, additionalData = null))
}

fun stepStateExportImport() {
    val saved = t.erika.exportState()
    val restored = Guest.importState(saved)
    same(restored.userId(), t.erika.userId(), "restored user id")
    eq(restored.checkIns().map(::entryKey), t.erika.checkIns().map(::entryKey), "restored check-ins")
    same(restored.exportState(), saved, "re-exported state")
    expectError<LucaException.State>("too_long") { Guest.importState(ByteArray(3 * 1024 * 1024)) }
    val office = HealthOffice.importState(t.officeB.exportState())
    same(office.officeId(), t.officeB.officeId(), "restored office id")
    val venue = Venue.importState(t.venue.exportState())
    expectError<LucaException.Venue>("no_descriptor") { venue.printedQrUrl(HOST, null) }
    venue.reverifyDescriptor(t.regCert, T0)
    eq(venue.printedQrUrl(HOST, 3u), t.venueUrl, "restored venue's QR URL")
}

fun stepHistoryShareByTan() {
    t.positive = T0 + 2uL * HOUR
    val share = t.erika.shareHistory(t.daily, t.positive)
    val tan = generateTan()
    t.historyShares[tan] = share
    // Read aloud on the phone and typed by the office in lower case: same TAN.
    val typed = tan.lowercase()
    eq(normalizeTan(typed), tan, "normalized TAN")
    t.history = t.officeB.openHistoryShare(t.historyShares.getValue(normalizeTan(typed)))
    same(t.history.userId(), t.erika.userId(), "history user id")
    eq(t.history.days(), listOf((T0 / DAY).toUInt()), "history days")
    // The office that never received the daily key cannot open it.
    val stranger = HealthOffice()
    expectError<LucaException.Tracing>("unknown_daily_key") { stranger.openHistoryShare(share) }
}

fun stepTraceIdsAndTracingRequest() {
    val matches = t.history.matchCheckIns(t.records.map { it.record })
    eq(matches.size, 1, "history matches")
    val m = matches[0]
    same(m.traceId, t.erikaCode.traceId, "match trace id")
    eq(m.minute, t.erikaCode.minute, "match minute")
    same(m.venueId, t.venue.venueId(), "match venue id")
    // Everyone who checked in from 30 minutes before her until her checkout.
    val window = TracingWindow(start = m.minute.toULong() * MINUTE - 1800uL, end = m.minute.toULong() * MINUTE + HOUR)
    t.request = t.officeB.requestTracing(m.venueId, window, t.positive, DAY)
    same(t.request.venueId(), t.venue.venueId(), "tracing request venue id")
    val again = TracingRequest.verify(t.request.toBytes(), t.certB, t.positive)
    same(again.requestId(), t.request.requestId(), "verified request id")
}

fun stepVenueConsent() {
    // The venue verifies the request with the requesting office's certificate and consents.
    val answer = t.venue.answerTracingRequest(t.request.toBytes(), t.certB, t.records, t.positive + 60uL)
    eq(Triple(answer.consented, answer.outsideWindow, answer.otherVenue), Triple(2uL, 1uL, 0uL), "consent counts")
    ok(answer.failed.isEmpty() && answer.additionalDataFailed.isEmpty()) { "consent failures: $answer" }
    t.responses = answer.responses
    // A request verified against another office's certificate is refused.
    expectError<LucaException.Venue>("wrong_issuer") {
        t.venue.answerTracingRequest(t.request.toBytes(), t.certA, t.records, t.positive + 60uL)
    }
}

fun stepOpenConsentAndDecrypt() {
    val contacts = ArrayList<Contact>()
    val infected = hex(t.history.userId())
    for (response in t.responses) {
        val opened = t.officeB.openConsentResponse(response, t.request)
        same(opened.venueId, t.venue.venueId(), "consent venue id")
        same(opened.requestId, t.request.requestId(), "consent request id")
        ok(opened.unreadable.isEmpty()) { "unreadable check-ins: ${opened.unreadable}" }
        for (checkIn in opened.checkIns) {
            val userId = hex(checkIn.userId())
            if (userId == infected) continue
            contacts.add(t.officeB.decryptContact(t.contactData.getValue(userId), checkIn))
        }
        // Only the requesting office can open it.
        expectError<LucaException.Tracing>("binding_mismatch") { t.officeA.openConsentResponse(response, t.request) }
    }
    eq(contacts.size, 1, "contacts")
    val contact = contacts[0]
    eq(contact.fields, MAX, "the decrypted contact (what Max registered)")
    same(contact.userId, t.max.userId(), "contact user id")
    same(contact.traceId, t.maxTraceId, "contact trace id")
    eq(contact.table, 3.toUShort(), "contact table")
    t.contacts = contacts
}

fun stepExport() {
    @Suppress("UNCHECKED_CAST")
    val rows = Json(contactsToJson(t.contacts)).parse() as List<Map<String, Any?>>
    eq(rows.size, 1, "JSON rows")
    eq(rows[0]["last_name"], "Schmidt", "JSON last_name")
    eq(rows[0]["city"], "Köln", "JSON city")
    val table = csvRows(contactsToCsv(t.contacts))
    eq(table.size, 2, "CSV rows")
    ok("Schmidt" in table[1]) { "CSV row without Schmidt: ${table[1]}" }
}

fun stepNotifications() {
    val accessed = t.contacts.map { it.traceId }
    val warned = t.contacts.map { Warning(traceId = it.traceId, level = 2u) }
    val data = t.officeB.notificationList(accessed, warned, t.positive)
    val list = NotificationList.verify(data, t.certB, t.positive)
    val matches = t.max.checkNotifications(list)
    eq(matches.map { it.level.toInt() }.sorted(), listOf(0, 2), "notification levels")
    for (m in matches) same(m.officeId, t.officeB.officeId(), "notification office id")
    eq(t.paul.checkNotifications(list), listOf(), "Paul's notifications")
    expectError<LucaException.Verification>("wrong_issuer") { NotificationList.verify(data, t.certA, t.positive) }
}

// --- A threshold daily key: three health offices, any two of which open (PROTOCOL.md §13).

object Committee {
    lateinit var offices: List<HealthOffice>
    lateinit var certs: List<HealthOfficeCertificate>
    var keyId: UShort = 0u
    lateinit var daily: CommitteeKeyAnnouncement
    lateinit var venue: Venue
    lateinit var jana: Guest
    lateinit var tom: Guest
    lateinit var records: List<StoredCheckIn>
    var janaMinute: UInt = 0u
    var now: ULong = 0uL
    lateinit var case: ByteArray
    lateinit var oldAnswer: ByteArray
    lateinit var history: OpenedHistory
}

val c = Committee
val JANA = fields("Jana", "Novak", "+49 221 1000004")
val TOM = fields("Tom", "Becker", "+49 221 1000005")

/** A committee member's policy (a uniffi callback interface): this requester, this case only. */
class OnlyFor(private val requester: ByteArray, private val authorization: ByteArray) : PartialDecryptionPolicy {
    @Volatile var asked = 0

    override fun allow(request: PartialDecryptionRequestInfo): Boolean {
        asked++
        return request.requester.contentEquals(requester) &&
            request.authorization.contentEquals(authorization) &&
            request.encs.isNotEmpty()
    }
}

fun stepCommitteeOffices() {
    val offices = ArrayList<HealthOffice>()
    val certs = ArrayList<HealthOfficeCertificate>()
    for (name in listOf("Gesundheitsamt C", "Gesundheitsamt D", "Gesundheitsamt E")) {
        val office = HealthOffice()
        val request = office.certificateRequest(name)
        certs.add(office.installCertificate(t.anchor.certifyHealthOffice(request, YEAR), t.anchor.publicKey(), T0))
        offices.add(office)
    }
    c.offices = offices
    c.certs = certs
}

fun stepCommitteeDkg() {
    // Every message goes to every member (the server is a list).
    val dkgs = c.offices.map { it.startCommitteeDkg(c.certs, 2u, T0) }
    val dealings = dkgs.map { it.dealing() }
    val complaints = ArrayList<ByteArray>()
    for (d in dkgs) {
        val received = d.receive(dealings)
        ok(received.rejected.isEmpty()) { "rejected dealings: ${received.rejected}" }
        complaints.addAll(received.complaints)
    }
    eq(complaints.size, 0, "DKG complaints")
    expectError<LucaException.Committee>("invalid_state") { dkgs[0].receive(dealings) }
    val justifications = dkgs.flatMap { it.justify(complaints) }
    val installed = dkgs.map { it.finish(complaints, justifications) }
    eq(installed.map { it.member }, listOf<UShort>(1u, 2u, 3u), "DKG members")
    eq(installed.map { hex(it.publicKey) }.toSet().size, 1, "distinct committee public keys")
    ok(installed.all { it.disqualified.isEmpty() }) { "disqualified dealers: ${installed.map { it.disqualified }}" }
    c.keyId = installed[0].dailyKeyId
    eq(c.keyId, dayKeyId(T0), "committee key id")
    eq(c.offices[1].committeeKeyIds(), listOf(c.keyId), "member D's committee key ids")
    expectError<LucaException.Committee>("invalid_state") { dkgs[0].finish(complaints, justifications) }
    // A second DKG of the same day's key is refused.
    expectError<LucaException.Committee>("key_already_held") { c.offices[0].startCommitteeDkg(c.certs, 2u, T0) }
}

fun stepCommitteeKeyAnnouncement() {
    // Members D and E sign; any of the drafts assembles (they are the same bytes).
    val signings = c.offices.drop(1).map { it.signCommitteeKey(c.keyId) }
    same(signings[0].draft.payload(), signings[1].draft.payload(), "draft payloads")
    val one = signings[0].draft.assemble(listOf(signings[0].signature))
    expectError<LucaException.Verification>("too_few") { CommitteeKeyAnnouncement.verify(one, c.certs, T0) }
    val announcement = signings[1].draft.assemble(signings.map { it.signature })
    // Guests and scanners verify it with the health offices' certificates.
    c.daily = CommitteeKeyAnnouncement.verify(announcement, c.certs + t.certA, T0)
    eq(c.daily.keyId(), c.keyId, "announced key id")
    eq(c.daily.threshold(), 2.toUShort(), "announced threshold")
    eq(c.daily.signers(), listOf<UShort>(2u, 3u), "announcement signers")
    sameList(c.daily.committee(), c.offices.map { it.officeId() }, "announced committee")
    ok(c.daily.isInUseAt(T0)) { "committee key not in use at T0" }
}

fun stepCommitteeCheckIns() {
    c.venue = Venue()
    c.venue.installDescriptor(t.registrar.registerVenue(c.venue.registrationRequest("Bar Luca", 5u), YEAR), t.regCert, T0)
    val scanner = c.venue.scanner()
    scanner.addCommitteeKey(c.daily)
    c.jana = register(JANA, DeviceType.ANDROID)
    c.tom = register(TOM, DeviceType.IOS)
    val code = c.jana.checkInCodeCommittee(c.daily, T0 + 60uL)
    val scan = scanner.scan(code.text, T0 + 62uL)
    val scanned = ScannedVenue.scan(c.venue.printedQrUrl(HOST, 2u), t.regCert, T0 + 90uL)
    val own = c.tom.selfCheckInCommittee(scanned, c.daily, T0 + 90uL)
    c.records = listOf(
        StoredCheckIn(record = scan.record, additionalData = null),
        StoredCheckIn(record = own.record, additionalData = own.additionalData),
    )
    c.janaMinute = code.minute
}

fun answerAll(pending: PendingOpening, members: List<Int>, authorization: ByteArray, now: ULong) {
    val tracer = c.certs[0]
    for (request in pending.requests()) {
        for (m in members) {
            val policy = OnlyFor(tracer.officeId(), authorization)
            val answer = c.offices[m].answerPartialDecryption(request.request, tracer, now, policy)
            eq(policy.asked, 1, "policy calls of member ${m + 1}")
            eq(pending.accept(request.dailyKeyId, answer), (m + 1).toUShort(), "accepted member")
        }
    }
}

/** A policy that throws an ordinary exception: it arrives in Rust as `PolicyError::Failed`. */
class Broken : PartialDecryptionPolicy {
    override fun allow(request: PartialDecryptionRequestInfo): Boolean =
        throw IllegalStateException("policy database unreachable")
}

/** A policy that cannot decide and says so with the declared error. */
class Undecided : PartialDecryptionPolicy {
    override fun allow(request: PartialDecryptionRequestInfo): Boolean = throw PolicyException.Failed("no case file")
}

fun stepCommitteeHistoryShare() {
    c.now = T0 + 2uL * HOUR
    val share = c.jana.shareHistoryCommittee(c.daily, c.now)
    val tracer = c.offices[0]
    expectError<LucaException.Tracing>("unknown_daily_key") { tracer.openHistoryShare(share) }
    val opening = tracer.thresholdOpening()
    opening.addHistoryShare(share)
    c.case = "case 2026-0815".toByteArray()
    // The request names the members asked: C (the tracing office itself) and D. Fewer than t of
    // the committee: nothing is signed.
    val asked = listOf(c.certs[0].officeId(), c.certs[1].officeId())
    expectError<LucaException.Tracing>("too_few") { opening.requestPartials(c.now, 600uL, c.case, asked.take(1)) }
    val pending = opening.requestPartials(c.now, 600uL, c.case, asked)
    expectError<LucaException.Committee>("invalid_state") { opening.requestPartials(c.now, 600uL, c.case, asked) }
    val requests = pending.requests()
    eq(requests.map { it.dailyKeyId }, listOf(c.keyId), "partial request key ids")
    eq(requests[0].responders.map { hex(it) }, asked.map { hex(it) }, "partial request responders")
    // Member E's policy approves another case only: refused.
    val refusing = OnlyFor(c.certs[0].officeId(), "another case".toByteArray())
    expectError<LucaException.Committee>("refused_by_policy") {
        c.offices[2].answerPartialDecryption(requests[0].request, c.certs[0], c.now, refusing)
    }
    eq(refusing.asked, 1, "refusing policy calls")
    // E is not asked: it refuses whatever its policy says.
    expectError<LucaException.Committee>("refused") {
        c.offices[2].answerPartialDecryption(requests[0].request, c.certs[0], c.now, OnlyFor(c.certs[0].officeId(), c.case))
    }
    // A policy that throws fails the call (`policy_failed`); it ran without the office's lock, so
    // the office still works.
    for (policy in listOf(Broken(), Undecided())) {
        expectError<LucaException.Committee>("policy_failed") {
            c.offices[1].answerPartialDecryption(requests[0].request, c.certs[0], c.now, policy)
        }
    }
    eq(c.offices[1].committeeKeyIds(), listOf(c.keyId), "member D still works")
    answerAll(pending, listOf(0, 1), c.case, c.now)
    // An answer kept to replay against the next opening.
    c.oldAnswer = c.offices[1].answerPartialDecryption(
        requests[0].request, c.certs[0], c.now, OnlyFor(c.certs[0].officeId(), c.case),
    )
    val opened = pending.finish()
    eq(opened.histories.size, 1, "opened histories")
    eq(opened.histories[0].errorKind, null, "history error kind")
    c.history = opened.histories[0].history!!
    same(c.history.userId(), c.jana.userId(), "committee history user id")
    val matches = c.history.matchCheckIns(c.records.map { it.record })
    eq(matches.map { it.minute }, listOf(c.janaMinute), "committee history matches")
}

fun stepCommitteeConsentAndDecrypt() {
    val tracer = c.offices[0]
    val start = c.janaMinute.toULong() * MINUTE
    val window = TracingWindow(start = start - 1800uL, end = start + HOUR)
    val request = tracer.requestTracing(c.venue.venueId(), window, c.now, DAY)
    val answer = c.venue.answerTracingRequest(request.toBytes(), c.certs[0], c.records, c.now + 60uL)
    eq(answer.consented, 2uL, "committee consents")
    val opening = tracer.thresholdOpening()
    for (response in answer.responses) opening.addConsentResponse(response, request)
    val pending = opening.requestPartials(c.now + 60uL, 600uL, c.case, listOf(c.certs[0].officeId(), c.certs[2].officeId()))
    // The replayed answer is named: member D's partials are wrong for this request (which asks C and E).
    expectError<LucaException.Tracing>("wrong_partial") { pending.accept(c.keyId, c.oldAnswer) }
    answerAll(pending, listOf(0, 2), c.case, c.now + 60uL)
    val contacts = ArrayList<Contact>()
    for (consent in pending.finish().consents) {
        ok(consent.unreadable.isEmpty()) { "unreadable: ${consent.unreadable}" }
        same(consent.requestId, request.requestId(), "committee consent request id")
        for (checkIn in consent.checkIns) {
            if (!checkIn.userId().contentEquals(c.history.userId())) {
                contacts.add(tracer.decryptContact(t.contactData.getValue(hex(checkIn.userId())), checkIn))
            }
        }
    }
    eq(contacts.size, 1, "committee contacts")
    eq(contacts[0].fields, TOM, "the decrypted contact (what Tom registered)")
    eq(contacts[0].fields.firstName, "Tom", "contact first name")
    same(contacts[0].userId, c.tom.userId(), "contact user id")
    eq(contacts[0].table, 2.toUShort(), "contact table")
    expectError<LucaException.Committee>("invalid_state") { pending.finish() }
}

val STEPS: List<Pair<String, () -> Unit>> = listOf(
    "trust_anchor_and_offices" to ::stepTrustAnchorAndOffices,
    "daily_key_rotation_and_share" to ::stepDailyKeyRotationAndShare,
    "registrar_and_venue" to ::stepRegistrarAndVenue,
    "guests_register" to ::stepGuestsRegister,
    "scanner_check_in" to ::stepScannerCheckIn,
    "small_stack_thread" to ::stepSmallStackThread,
    "scanner_rejections" to ::stepScannerRejections,
    "self_check_in" to ::stepSelfCheckIn,
    "private_meeting" to ::stepPrivateMeeting,
    "later_guest" to ::stepLaterGuest,
    "state_export_import" to ::stepStateExportImport,
    "history_share_by_tan" to ::stepHistoryShareByTan,
    "trace_ids_and_tracing_request" to ::stepTraceIdsAndTracingRequest,
    "venue_consent" to ::stepVenueConsent,
    "open_consent_and_decrypt" to ::stepOpenConsentAndDecrypt,
    "export" to ::stepExport,
    "notifications" to ::stepNotifications,
    "committee_offices" to ::stepCommitteeOffices,
    "committee_dkg" to ::stepCommitteeDkg,
    "committee_key_announcement" to ::stepCommitteeKeyAnnouncement,
    "committee_check_ins" to ::stepCommitteeCheckIns,
    "committee_history_share" to ::stepCommitteeHistoryShare,
    "committee_consent_and_decrypt" to ::stepCommitteeConsentAndDecrypt,
)

fun main() {
    var passed = 0
    var failed = 0
    var skipped = 0
    for ((name, step) in STEPS) {
        if (failed > 0) {
            skipped++
            println("SKIP $name")
            continue
        }
        try {
            step()
            passed++
            println("ok   $name")
        } catch (e: Throwable) { // report every failure, then stop
            failed++
            println("FAIL $name")
            e.printStackTrace(System.out)
        }
    }
    println("$passed passed, $failed failed, $skipped skipped")
    if (failed > 0 || passed == 0) exitProcess(1)
    println("kotlin flow: $checks checks passed")
}
