// A file the review team attached, saved on the reporter's device by the browser's own download
// (no server involved) once the follow-up worker has fetched, checked and decrypted it, under a
// name the device may save under.

/**
 * A name the reporter's device may save under, as peluit/review/names.py makes it: the last
 * path part, without control or format characters, characters Windows refuses, leading dots or
 * trailing dots and spaces; never empty.
 * @param {string} name
 */
export function safeName(name) {
  let text = name.normalize("NFC").replaceAll("\\", "/").split("/").pop() ?? "";
  text = text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "").replace(/[<>:"|?*]/g, "_");
  text = text.trim().replace(/^\.+/, "").replace(/[. ]+$/, "");
  return (text.slice(0, 120) || "lampiran");
}

/**
 * Hand the bytes to the browser's download under `safeName(name)`; the object URL is revoked a
 * minute later. Returns the name it was saved under.
 * @param {Document} doc
 * @param {{name: string, mime: string, data: ArrayBuffer}} file
 * @returns {string}
 */
export function saveFile(doc, file) {
  const blob = new Blob([file.data], { type: file.mime || "application/octet-stream" });
  const url = URL.createObjectURL(blob);
  const link = doc.createElement("a");
  link.href = url;
  link.download = safeName(file.name);
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return link.download;
}
