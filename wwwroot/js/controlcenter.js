// Small browser helpers for Kafka Control Center (loaded once, called through JS interop).
window.controlCenter = {
    // Remember the theme across reloads: the server reads this cookie when it renders the page.
    setTheme: function (mode) {
        document.cookie = "cc-theme=" + encodeURIComponent(mode) + "; path=/; max-age=31536000; samesite=lax";
    },
    copyText: async function (text) {
        await navigator.clipboard.writeText(text);
    },
    // Saves bytes as a file without putting them through the DOM as markup.
    downloadBytes: function (fileName, contentType, base64) {
        const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
        const url = URL.createObjectURL(new Blob([bytes], { type: contentType }));
        const a = document.createElement("a");
        a.href = url; a.download = fileName; document.body.appendChild(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
    },

    // ---- the produce form: the key and value stay in the page and go to the server over HTTP,
    // never through the live connection (whose messages are kept small on purpose).

    // Live feedback while typing: size in bytes against the topic's limit, and JSON that does not parse.
    watchRecord: function (keyId, valueId) {
        const value = document.getElementById(valueId), key = document.getElementById(keyId);
        if (!value || value.dataset.watched) return;
        value.dataset.watched = "true";
        const check = () => controlCenter.checkRecord(keyId, valueId);
        value.addEventListener("input", check);
        key.addEventListener("input", check);
        check();
    },
    checkRecord: function (keyId, valueId) {
        const value = document.getElementById(valueId), key = document.getElementById(keyId);
        if (!value) return;
        const encoder = new TextEncoder();
        const bytes = encoder.encode(value.value).length + encoder.encode(key.value).length;
        const limit = Number(value.dataset.limit || 0);
        const size = document.getElementById(valueId + "-size");
        size.textContent = bytes.toLocaleString("en-US") + " bytes" + (limit > 0 ? " of at most " + limit.toLocaleString("en-US") + " (max.message.bytes)" : "");
        size.classList.toggle("mud-error-text", limit > 0 && bytes > limit);
        let invalid = false;
        if (value.dataset.json === "true" && value.value.length > 0) {
            try { JSON.parse(value.value); } catch { invalid = true; }
        }
        document.getElementById(valueId + "-json-error").hidden = !invalid;
        value.classList.toggle("produce-invalid", invalid);
    },
    // Posts a schema from the subject page (its text stays in the page, like a produce form's value).
    postSchema: async function (url, textId, settings) {
        const body = Object.assign({}, settings, { schema: document.getElementById(textId).value });
        try {
            const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
            const text = await response.text();
            try { return JSON.parse(text); }
            catch { return { problems: [], error: "The server answered " + response.status + ": " + text.slice(0, 300) }; }
        } catch (e) {
            return { problems: [], error: "The request did not reach the server: " + e };
        }
    },
    // Posts the record; the form's small settings come from the server, the key and value from the page.
    produce: async function (url, keyId, valueId, settings) {
        const body = Object.assign({}, settings, {
            key: document.getElementById(keyId).value,
            value: document.getElementById(valueId).value,
        });
        try {
            const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
            const text = await response.text();
            try { return JSON.parse(text); }
            catch { return { outcomes: [], error: "The server answered " + response.status + ": " + text.slice(0, 300) }; }
        } catch (e) {
            return { outcomes: [], error: "The request did not reach the server: " + e };
        }
    }
};
