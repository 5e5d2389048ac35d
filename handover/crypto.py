"""The hand-over's file encryption: AES-256-GCM in chunks, the key from a passphrase by scrypt.

Standalone (no Django), so whoever receives a hand-over can decrypt it with Python and the
`cryptography` package alone:

    python handover/crypto.py decrypt DIR OUT --passphrase-file F

and the backups (scripts/backup.sh, scripts/restore.sh) use the same scheme on one stream:

    python handover/crypto.py encrypt-file IN OUT --passphrase-file F   (IN or OUT "-": stdin, stdout)
    python handover/crypto.py decrypt-file IN OUT --passphrase-file F

a single file starts with `THSALT1`, its 16-byte salt and n, r, p (4 bytes each, big endian), then the
chunked stream described below.

The scheme (also written into each hand-over's README and manifest, docs/privacy.md "Hand-over"):

- key = scrypt(passphrase UTF-8, salt, n=2**15, r=8, p=1, length 32); one salt per hand-over, stored
  in manifest.json (`encryption.salt`, hex) with the parameters;
- each file `X` is stored as `X.enc`: the magic `THGCM1` (6 bytes), an 8-byte random nonce prefix,
  then chunks of at most 1 MiB of plain text, each written as its ciphertext length (4 bytes, big
  endian) and the AES-GCM ciphertext with its 16-byte tag;
- chunk i (from 0) uses the nonce prefix + i (4 bytes, big endian) and the associated data
  magic + prefix + i (4 bytes) + 1 byte (1 on the last chunk, else 0): reordered, dropped or
  truncated chunks fail to decrypt. An empty file is one empty last chunk.
"""

import argparse
import json
import os
import struct
import sys
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"THGCM1"
CHUNK = 1024 * 1024
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
SUFFIX = ".enc"


class DecryptionError(Exception):
    pass


def derive_key(passphrase: str, salt: bytes, n: int = SCRYPT["n"], r: int = SCRYPT["r"], p: int = SCRYPT["p"]) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def new_salt() -> bytes:
    return os.urandom(16)


def _aad(prefix: bytes, index: int, last: bool) -> bytes:
    return MAGIC + prefix + struct.pack(">I", index) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object: what is written is encrypted chunk by chunk into `raw`."""

    def __init__(self, raw, key: bytes):
        self.raw, self.aes = raw, AESGCM(key)
        self.prefix = os.urandom(8)
        self.buffer = bytearray()
        self.index = 0
        self.position = 0
        self.raw.write(MAGIC + self.prefix)

    def _emit(self, data: bytes, last: bool) -> None:
        nonce = self.prefix + struct.pack(">I", self.index)
        sealed = self.aes.encrypt(nonce, bytes(data), _aad(self.prefix, self.index, last))
        self.raw.write(struct.pack(">I", len(sealed)) + sealed)
        self.index += 1

    def write(self, data) -> int:
        self.buffer += data
        self.position += len(data)
        # keep at least one byte back: the last chunk must be marked last
        while len(self.buffer) > CHUNK:
            self._emit(self.buffer[:CHUNK], last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def close(self) -> None:
        if self.buffer is not None:
            self._emit(self.buffer, last=True)
            self.buffer = None


def decrypt_stream(source, key: bytes):
    """Yield the plain text of an encrypted file object, chunk by chunk; DecryptionError when altered."""
    from cryptography.exceptions import InvalidTag

    head = source.read(len(MAGIC) + 8)
    if head[:len(MAGIC)] != MAGIC or len(head) != len(MAGIC) + 8:
        raise DecryptionError("not a hand-over encrypted file")
    prefix, aes, index = head[len(MAGIC):], AESGCM(key), 0
    pending = source.read(4)
    while True:
        if len(pending) != 4:
            raise DecryptionError("truncated")
        (length,) = struct.unpack(">I", pending)
        sealed = source.read(length)
        if len(sealed) != length:
            raise DecryptionError("truncated")
        pending = source.read(4)
        last = pending == b""
        try:
            yield aes.decrypt(prefix + struct.pack(">I", index), sealed, _aad(prefix, index, last))
        except InvalidTag as exc:
            raise DecryptionError("wrong passphrase or altered file") from exc
        if last:
            return
        index += 1


def decrypt_file(path: Path, key: bytes, out) -> None:
    with open(path, "rb") as source:
        for chunk in decrypt_stream(source, key):
            out.write(chunk)


def key_from_manifest(manifest: dict, passphrase: str) -> bytes:
    spec = manifest["encryption"]
    return derive_key(passphrase, bytes.fromhex(spec["salt"]), n=spec["n"], r=spec["r"], p=spec["p"])


def read_passphrase(path) -> str:
    text = Path(path).read_text(encoding="utf-8").strip()
    if len(text) < 12:
        raise ValueError("the passphrase must have at least 12 characters")
    return text


SALT_MAGIC = b"THSALT1"


def _stream(name: str, mode: str):
    if name == "-":
        return open((sys.stdin if "r" in mode else sys.stdout).fileno(), mode, closefd=False)
    return open(name, mode)


def encrypt_file(source, target, passphrase: str) -> None:
    salt = new_salt()
    target.write(SALT_MAGIC + salt + struct.pack(">III", SCRYPT["n"], SCRYPT["r"], SCRYPT["p"]))
    writer = EncryptingWriter(target, derive_key(passphrase, salt))
    while chunk := source.read(CHUNK):
        writer.write(chunk)
    writer.close()


def decrypt_single(source, target, passphrase: str) -> None:
    head = source.read(len(SALT_MAGIC) + 16 + 12)
    if head[:len(SALT_MAGIC)] != SALT_MAGIC:
        raise DecryptionError("not an encrypted backup")
    salt = head[len(SALT_MAGIC):len(SALT_MAGIC) + 16]
    n, r, p = struct.unpack(">III", head[len(SALT_MAGIC) + 16:])
    for chunk in decrypt_stream(source, derive_key(passphrase, salt, n=n, r=r, p=p)):
        target.write(chunk)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Decrypt a Tonghu hand-over directory; encrypt or decrypt a backup.")
    parser.add_argument("command", choices=["decrypt", "encrypt-file", "decrypt-file"])
    parser.add_argument("directory", help="the hand-over directory, or the input file (- for stdin)")
    parser.add_argument("output", help="the output directory, or the output file (- for stdout)")
    parser.add_argument("--passphrase-file", required=True)
    args = parser.parse_args(argv)
    if args.command != "decrypt":
        passphrase = read_passphrase(args.passphrase_file)
        action = encrypt_file if args.command == "encrypt-file" else decrypt_single
        with _stream(args.directory, "rb") as source, _stream(args.output, "wb") as target:
            try:
                action(source, target, passphrase)
            except DecryptionError as exc:
                print(f"decryption failed: {exc}", file=sys.stderr)
                return 1
        return 0
    source, output = Path(args.directory), Path(args.output)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    key = key_from_manifest(manifest, read_passphrase(args.passphrase_file))
    for name in manifest["files"]:
        target = output / (name[:-len(SUFFIX)] if name.endswith(SUFFIX) else name)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            if name.endswith(SUFFIX):
                decrypt_file(source / name, key, out)
            else:
                out.write((source / name).read_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
