"""The image pipeline: what a picture in content/media/ is, and what is published of it.

- `probe`: one file's bytes -> an `ImageInfo` (format, size as shown, content hash) or
  a problem naming the file; run in the load step, each file alone, cached by stamp.
- `strip`: the published original, byte for byte the editor's picture, without the
  metadata a camera or editing program left in it (GPS position, serial numbers,
  thumbnails), keeping what carries credit, licence and colour profile.
- `variants`: the resized copies (WebP and the original's format) for `srcset`.
- `cache`: those copies by content hash, in `.sitegen-cache/images.sqlite` (data only).
- `icons`: the favicon, the Apple touch icon and the web manifest's icons.

Nothing here knows about pages: resolve names which images are published, the engine
asks this package for their bytes.
"""
