// MudBlazor renders a menu item that runs an action (not a link) as an element with role="menuitem" that answers
// clicks only: focused with Tab, Enter and Space did nothing. A menu item is activated by either key, so they click it.
document.addEventListener("keydown", event => {
    if (event.key !== "Enter" && event.key !== " ") return;
    const item = event.target;
    if (!(item instanceof HTMLElement) || item.getAttribute("role") !== "menuitem") return;
    if (item instanceof HTMLAnchorElement || item instanceof HTMLButtonElement) return;
    if (item.getAttribute("aria-disabled") === "true") return;
    event.preventDefault();
    item.click();
});
