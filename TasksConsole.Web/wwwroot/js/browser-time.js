// The browser's IANA time zone, so the console can show and take times where the operator is.
export function timeZone() {
    try {
        return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
    } catch {
        return null;
    }
}
