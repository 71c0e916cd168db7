// The tag input adds what the browser shows when Enter is pressed. The server's copy of the text trails the keys by a
// round trip, and a render landing in between (the chip just added, the field just cleared) can leave it behind what
// was typed, so it is asked for at the moment it matters.
window.tagInput = {
    valueOf: input => input instanceof HTMLInputElement ? input.value : null,
};
