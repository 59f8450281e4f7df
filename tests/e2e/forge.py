"""What a collaborator without any key can compute: a master key of his own,
sealed to every recipient's public key and endorsed under itself, written in
the formats of docs/format.md (sections 4, 5 and 11) with libsodium through
ctypes. The tests use it to show that only the machine's pin stops it."""
import base64
import ctypes
import ctypes.util
import os

_lib = ctypes.CDLL(ctypes.util.find_library("sodium") or "libsodium.so.23")
if _lib.sodium_init() < 0:
    raise RuntimeError("sodium_init failed")


def _b64(data):
    return base64.b64encode(data).decode()


def keyed_hash(key, message, n):
    out = ctypes.create_string_buffer(n)
    if _lib.crypto_generichash(out, ctypes.c_size_t(n), message, ctypes.c_ulonglong(len(message)),
                               key, ctypes.c_size_t(len(key))) != 0:
        raise RuntimeError("crypto_generichash failed")
    return out.raw


def sealed(key, plaintext, ad):
    """The `sealed` encoding: base64(nonce || XChaCha20-Poly1305(key, nonce, plaintext, ad))."""
    nonce = os.urandom(24)
    out = ctypes.create_string_buffer(len(plaintext) + 16)
    out_len = ctypes.c_ulonglong()
    if _lib.crypto_aead_xchacha20poly1305_ietf_encrypt(
            out, ctypes.byref(out_len), plaintext, ctypes.c_ulonglong(len(plaintext)), ad,
            ctypes.c_ulonglong(len(ad)), None, nonce, key) != 0:
        raise RuntimeError("AEAD encryption failed")
    return _b64(nonce + out.raw[:out_len.value])


def seal_box(public_key, message):
    out = ctypes.create_string_buffer(len(message) + 48)
    if _lib.crypto_box_seal(out, message, ctypes.c_ulonglong(len(message)), public_key) != 0:
        raise RuntimeError("crypto_box_seal failed")
    return out.raw


def forge_header(header_text, master_key):
    """The store header with its id and creation time kept and a fresh index
    key sealed under `master_key`."""
    prefix = "".join(header_text.splitlines(True)[:3])
    return prefix + "index-key " + sealed(master_key, os.urandom(32), (prefix + "index-key").encode()) + "\n"


def forge_x25519_key_file(key_text, master_key):
    """A full recipient file for the same recipient and public key, giving it
    `master_key` and endorsed under that key."""
    lines = key_text.splitlines(True)
    prefix = "".join(lines[:5])  # magic, store, recipient, type x25519, public-key
    public_key = base64.b64decode(lines[4].split(" ", 1)[1])
    kek = os.urandom(32)
    prefix += "sealed-key " + _b64(seal_box(public_key, kek)) + "\n"
    body = prefix + "wrapped-key " + sealed(kek, master_key, (prefix + "wrapped-key").encode()) + "\n"
    recipients_key = keyed_hash(master_key, b"vaultx subkey v1 recipients", 32)
    return body + "endorsement " + _b64(keyed_hash(recipients_key, body.encode(), 32)) + "\n"
