// Drives the console's reconnect dialog from blazor.web.js's reconnection states.
const modal = document.getElementById("components-reconnect-modal");

function open() {
    if (!modal.open) modal.showModal();
}

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenVisible);
    try {
        // true: reconnected; false: the server answered but no longer has this page's circuit.
        const reconnected = await Blazor.reconnect();
        if (!reconnected && !(await Blazor.resumeCircuit())) location.reload();
    } catch {
        // The server is still unreachable: try again when the user comes back to the tab.
        document.addEventListener("visibilitychange", retryWhenVisible);
    }
}

async function resume() {
    try {
        if (!(await Blazor.resumeCircuit())) location.reload();
    } catch {
        location.reload();
    }
}

function retryWhenVisible() {
    if (document.visibilityState === "visible") retry();
}

modal.addEventListener("components-reconnect-state-changed", event => {
    switch (event.detail.state) {
        case "hide":
            modal.close();
            break;
        case "failed":
            open();
            document.addEventListener("visibilitychange", retryWhenVisible);
            break;
        case "rejected":
            // The server has forgotten this page: a reload rebuilds it from its URL.
            location.reload();
            break;
        default:
            open();
    }
});

// Escape would close the dialog and leave a page that no longer answers; it stays until the connection is back.
modal.addEventListener("cancel", event => event.preventDefault());
document.getElementById("components-reconnect-button").addEventListener("click", retry);
document.getElementById("components-resume-button").addEventListener("click", resume);
document.getElementById("components-reload-button").addEventListener("click", () => location.reload());
