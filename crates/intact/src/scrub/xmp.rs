//! XMP packets: the properties that name, describe or locate people removed, everything else
//! kept byte for byte (the packet wrapper, its padding, the other properties). Properties are
//! matched by namespace URI and local name (never by the prefix a file happens to use), as
//! elements (the whole element goes) or as attributes of `rdf:Description` (the attribute goes;
//! the tag is written again with the others).
//!
//! A packet that is not well-formed XML cannot be edited safely: [`scrub_xmp`] refuses it and
//! the caller removes the packet whole (and says so).

use std::collections::BTreeSet;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

const DC: &[u8] = b"http://purl.org/dc/elements/1.1/";
const PHOTOSHOP: &[u8] = b"http://ns.adobe.com/photoshop/1.0/";
const IPTC_CORE: &[u8] = b"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/";
const IPTC_EXT: &[u8] = b"http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
const EXIF: &[u8] = b"http://ns.adobe.com/exif/1.0/";
const EXIF_EX: &[u8] = b"http://cipa.jp/exif/1.0/";
const AUX: &[u8] = b"http://ns.adobe.com/exif/1.0/aux/";
const TIFF: &[u8] = b"http://ns.adobe.com/tiff/1.0/";
const XMP: &[u8] = b"http://ns.adobe.com/xap/1.0/";
const XMP_RIGHTS: &[u8] = b"http://ns.adobe.com/xap/1.0/rights/";
const XMP_GIMG: &[u8] = b"http://ns.adobe.com/xap/1.0/g/img/";
const PLUS: &[u8] = b"http://ns.useplus.org/ldf/xmp/1.0/";
const MWG_RS: &[u8] = b"http://www.metadataworkinggroup.com/schemas/regions/";
const MS_PHOTO: &[u8] = b"http://ns.microsoft.com/photo/1.2/";

/// The properties removed: (namespace, local name, report name).
const REMOVED: &[(&[u8], &[u8], &str)] = &[
    (DC, b"creator", "XMP dc:creator"),
    (DC, b"contributor", "XMP dc:contributor"),
    (DC, b"description", "XMP dc:description"),
    (DC, b"rights", "XMP dc:rights"),
    (PHOTOSHOP, b"City", "XMP photoshop:City"),
    (PHOTOSHOP, b"State", "XMP photoshop:State"),
    (PHOTOSHOP, b"Country", "XMP photoshop:Country"),
    (
        PHOTOSHOP,
        b"AuthorsPosition",
        "XMP photoshop:AuthorsPosition",
    ),
    (PHOTOSHOP, b"CaptionWriter", "XMP photoshop:CaptionWriter"),
    (IPTC_CORE, b"Location", "XMP Iptc4xmpCore:Location"),
    (IPTC_CORE, b"CountryCode", "XMP Iptc4xmpCore:CountryCode"),
    (
        IPTC_CORE,
        b"CreatorContactInfo",
        "XMP Iptc4xmpCore:CreatorContactInfo",
    ),
    (
        IPTC_EXT,
        b"LocationCreated",
        "XMP Iptc4xmpExt:LocationCreated",
    ),
    (IPTC_EXT, b"LocationShown", "XMP Iptc4xmpExt:LocationShown"),
    (IPTC_EXT, b"PersonInImage", "XMP Iptc4xmpExt:PersonInImage"),
    (
        IPTC_EXT,
        b"PersonInImageWDetails",
        "XMP Iptc4xmpExt:PersonInImageWDetails",
    ),
    (PLUS, b"ImageCreator", "XMP plus:ImageCreator"),
    (PLUS, b"CopyrightOwner", "XMP plus:CopyrightOwner"),
    (PLUS, b"Licensor", "XMP plus:Licensor"),
    (MWG_RS, b"Regions", "XMP mwg-rs:Regions (named faces)"),
    (MS_PHOTO, b"RegionInfo", "XMP MP:RegionInfo (named faces)"),
    (EXIF, b"UserComment", "XMP exif:UserComment"),
    (EXIF_EX, b"CameraOwnerName", "XMP exifEX:CameraOwnerName"),
    (AUX, b"OwnerName", "XMP aux:OwnerName"),
    (TIFF, b"Artist", "XMP tiff:Artist"),
    (TIFF, b"ImageDescription", "XMP tiff:ImageDescription"),
    (TIFF, b"Copyright", "XMP tiff:Copyright"),
    (XMP, b"Thumbnails", "XMP thumbnail"),
    (XMP_RIGHTS, b"Owner", "XMP xmpRights:Owner"),
    (XMP_GIMG, b"image", "XMP thumbnail"),
];

/// Why a packet could not be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the XMP packet is not well-formed XML")]
pub struct XmpError;

/// The report name of a property to remove, if `(ns, local)` is one: the list above, and every
/// GPS property in any namespace (what the gate flags as `image-gps`).
fn removed(ns: &ResolveResult<'_>, local: &[u8]) -> Option<&'static str> {
    if local.starts_with(b"GPS") {
        return Some("XMP GPS");
    }
    if local == b"Thumbnails" {
        return Some("XMP thumbnail");
    }
    let ResolveResult::Bound(ns) = ns else {
        return None;
    };
    REMOVED
        .iter()
        .find(|(n, l, _)| *n == ns.as_ref() && *l == local)
        .map(|(_, _, name)| *name)
}

/// One byte range of the packet replaced.
struct Edit {
    start: usize,
    end: usize,
    with: Vec<u8>,
}

/// The packet without the removed properties, and their report names (empty: unchanged).
pub fn scrub_xmp(x: &[u8]) -> Result<(Vec<u8>, Vec<String>), XmpError> {
    let mut r = NsReader::from_reader(x);
    let mut edits: Vec<Edit> = Vec::new();
    let mut names: BTreeSet<&'static str> = BTreeSet::new();
    let mut depth = 0usize;
    loop {
        let start = r.buffer_position() as usize;
        let ev = r.read_event().map_err(|_| XmpError)?;
        let end = r.buffer_position() as usize;
        match ev {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref().is_empty() => {
                return Err(XmpError);
            }
            Event::Start(e) => {
                let (ns, local) = r.resolver().resolve_element(e.name());
                if let Some(n) = removed(&ns, local.as_ref()) {
                    names.insert(n);
                    let end = skip_element(&mut r)?;
                    edits.push(Edit {
                        start,
                        end,
                        with: Vec::new(),
                    });
                } else {
                    depth += 1;
                    if let Some(tag) = without_attributes(&r, &e, false, &mut names)? {
                        edits.push(Edit {
                            start,
                            end,
                            with: tag,
                        });
                    }
                }
            }
            Event::End(_) => depth = depth.checked_sub(1).ok_or(XmpError)?,
            Event::Empty(e) => {
                let (ns, local) = r.resolver().resolve_element(e.name());
                if let Some(n) = removed(&ns, local.as_ref()) {
                    names.insert(n);
                    edits.push(Edit {
                        start,
                        end,
                        with: Vec::new(),
                    });
                } else if let Some(tag) = without_attributes(&r, &e, true, &mut names)? {
                    edits.push(Edit {
                        start,
                        end,
                        with: tag,
                    });
                }
            }
            Event::Eof if depth == 0 => break,
            Event::Eof => return Err(XmpError),
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(x.len());
    let mut pos = 0;
    for e in &edits {
        out.extend_from_slice(&x[pos..e.start]);
        out.extend_from_slice(&e.with);
        pos = e.end;
    }
    out.extend_from_slice(&x[pos..]);
    Ok((out, names.into_iter().map(String::from).collect()))
}

/// Reads up to the end of the element just started; the position after its end tag.
fn skip_element(r: &mut NsReader<&[u8]>) -> Result<usize, XmpError> {
    let mut depth = 1usize;
    loop {
        match r.read_event().map_err(|_| XmpError)? {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return Ok(r.buffer_position() as usize);
                }
            }
            Event::Eof => return Err(XmpError),
            _ => {}
        }
    }
}

/// The tag `e` written again without its removed attributes; `None` when it has none.
fn without_attributes(
    r: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    empty: bool,
    names: &mut BTreeSet<&'static str>,
) -> Result<Option<Vec<u8>>, XmpError> {
    let mut kept = Vec::new();
    let mut dropped = false;
    for a in e.attributes() {
        let a = a.map_err(|_| XmpError)?;
        let (ns, local) = r.resolver().resolve_attribute(a.key);
        let is_decl = a.key.as_ref() == b"xmlns" || a.key.as_ref().starts_with(b"xmlns:");
        match removed(&ns, local.as_ref()) {
            Some(n) if !is_decl => {
                names.insert(n);
                dropped = true;
            }
            _ => kept.push((a.key.as_ref().to_vec(), a.value.into_owned())),
        }
    }
    if !dropped {
        return Ok(None);
    }
    let mut tag = b"<".to_vec();
    tag.extend_from_slice(e.name().as_ref());
    for (k, v) in kept {
        let q = if v.contains(&b'"') { b'\'' } else { b'"' };
        tag.push(b' ');
        tag.extend_from_slice(&k);
        tag.push(b'=');
        tag.push(q);
        tag.extend_from_slice(&v);
        tag.push(q);
    }
    tag.extend_from_slice(if empty { b"/>" } else { b">" });
    Ok(Some(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKET: &str = r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:e="http://ns.adobe.com/exif/1.0/" xmlns:ps="http://ns.adobe.com/photoshop/1.0/" xmp:CreateDate="2024-01-02T03:04:05" ps:City="Sometown" e:GPSLatitude="51,30N">
<d:creator><rdf:Seq><rdf:li>A. Photographer</rdf:li></rdf:Seq></d:creator>
<d:title><rdf:Alt><rdf:li xml:lang="x-default">Exhibit 4</rdf:li></rdf:Alt></d:title>
<e:GPSLongitude>0,7W</e:GPSLongitude>
<e:DateTimeOriginal>2024-01-02T03:04:05</e:DateTimeOriginal>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>"#;

    #[test]
    fn people_and_places_go_by_namespace_and_the_rest_stays() {
        let (out, names) = scrub_xmp(PACKET.as_bytes()).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            names,
            ["XMP GPS", "XMP dc:creator", "XMP photoshop:City"],
            "{out}"
        );
        for gone in ["Photographer", "Sometown", "51,30N", "0,7W"] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        for kept in [
            "Exhibit 4",
            "xmp:CreateDate=\"2024-01-02T03:04:05\"",
            "<e:DateTimeOriginal>2024-01-02T03:04:05",
            "<?xpacket end=\"w\"?>",
        ] {
            assert!(out.contains(kept), "{kept}: {out}");
        }
        // still well-formed, and a second pass changes nothing
        let (again, names) = scrub_xmp(out.as_bytes()).unwrap();
        assert!(names.is_empty());
        assert_eq!(again, out.as_bytes());
    }

    #[test]
    fn a_broken_packet_is_refused() {
        assert_eq!(scrub_xmp(b"<x:xmpmeta><a></b></x:xmpmeta>"), Err(XmpError));
        assert_eq!(
            scrub_xmp(b"<a xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:creator>"),
            Err(XmpError)
        );
        assert_eq!(scrub_xmp(b"<a><b>"), Err(XmpError), "unclosed");
        for n in 0..PACKET.len() {
            let _ = scrub_xmp(&PACKET.as_bytes()[..n]);
        }
    }

    #[test]
    fn named_faces_go() {
        let p = br#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" xmlns:stDim="http://ns.adobe.com/xap/1.0/sType/Dimensions#"><mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag><rdf:li rdf:parseType="Resource"><mwg-rs:Name>Someone Named</mwg-rs:Name></rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions><stDim:w>10</stDim:w></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let (out, names) = scrub_xmp(p).unwrap();
        assert_eq!(names, ["XMP mwg-rs:Regions (named faces)"]);
        let out = String::from_utf8(out).unwrap();
        assert!(
            !out.contains("Someone") && out.contains("<stDim:w>10</stDim:w>"),
            "{out}"
        );
    }

    #[test]
    fn a_packet_without_personal_data_is_unchanged() {
        let p = b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><a b='1'/></x:xmpmeta>";
        let (out, names) = scrub_xmp(p).unwrap();
        assert!(names.is_empty());
        assert_eq!(out, p);
    }
}
