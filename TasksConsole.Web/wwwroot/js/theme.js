// Remembers the console's theme in a cookie, so that the server renders the next page in it from the first paint.
export function save(name, value) {
    document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax`;
}
