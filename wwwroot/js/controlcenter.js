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
    }
};
