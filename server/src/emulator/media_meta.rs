//! A media file's MPS `MetaData` (size, duration, bitrate, streams), read from the boxes of
//! an MP4 (ISO BMFF) file without decoding it, as MPS reports it for a task's input and
//! outputs. Pure and panic-free on any bytes: every object in COS is input.
use serde_json::{json, Value};

/// What MP4 (and QuickTime, 3GP) files are called in `Container`, as MPS names them.
pub const MP4_CONTAINER: &str = "mov,mp4,m4a,3gp,3g2,mj2";

/// The `MetaData` of `bytes`: from its boxes when it is an MP4 file, else the size alone
/// (other fields zero, no streams; the emulator processes any object).
pub fn media_meta(bytes: &[u8]) -> Value {
    let size = bytes.len();
    let Some(movie) = read_movie(bytes) else {
        return json!({
            "Size": size, "Container": "", "Bitrate": 0, "Height": 0, "Width": 0, "Duration": 0.0,
            "VideoDuration": 0.0, "AudioDuration": 0.0, "Rotate": 0,
            "VideoStreamSet": [], "AudioStreamSet": [],
        });
    };
    let video: Vec<&Track> = movie.tracks.iter().filter(|t| t.is_video()).collect();
    let audio: Vec<&Track> = movie.tracks.iter().filter(|t| t.is_audio()).collect();
    let first_video = video.first();
    json!({
        "Size": size,
        "Container": MP4_CONTAINER,
        "Bitrate": bitrate(size as u64, movie.duration),
        "Height": first_video.map_or(0, |t| t.height),
        "Width": first_video.map_or(0, |t| t.width),
        "Duration": round3(movie.duration),
        "VideoDuration": round3(first_video.map_or(0.0, |t| t.duration)),
        "AudioDuration": round3(audio.first().map_or(0.0, |t| t.duration)),
        "Rotate": first_video.map_or(0, |t| t.rotate),
        "VideoStreamSet": video.iter().map(|t| json!({
            "Bitrate": bitrate(t.bytes, t.duration), "Height": t.height, "Width": t.width,
            "Codec": t.codec, "Fps": t.fps(),
        })).collect::<Vec<_>>(),
        "AudioStreamSet": audio.iter().map(|t| json!({
            "Bitrate": bitrate(t.bytes, t.duration), "SamplingRate": t.sample_rate,
            "Codec": t.codec, "Channel": t.channels,
        })).collect::<Vec<_>>(),
    })
}

/// What the `moov` box says.
#[derive(Debug, Default)]
struct Movie {
    /// Seconds.
    duration: f64,
    tracks: Vec<Track>,
}

#[derive(Debug, Default)]
struct Track {
    /// `vide` or `soun` (others are left out of the stream sets).
    handler: [u8; 4],
    codec: &'static str,
    /// Seconds.
    duration: f64,
    samples: u64,
    /// Sum of the sample sizes.
    bytes: u64,
    width: u32,
    height: u32,
    /// Degrees clockwise, from the track's matrix.
    rotate: u32,
    sample_rate: u32,
    channels: u32,
}

impl Track {
    fn is_video(&self) -> bool {
        &self.handler == b"vide"
    }

    fn is_audio(&self) -> bool {
        &self.handler == b"soun"
    }

    /// Frames a second, rounded as MPS reports `Fps`.
    fn fps(&self) -> u64 {
        if self.duration > 0.0 {
            (self.samples as f64 / self.duration).round() as u64
        } else {
            0
        }
    }
}

/// Bits a second over `seconds`.
fn bitrate(bytes: u64, seconds: f64) -> u64 {
    if seconds > 0.0 {
        (bytes as f64 * 8.0 / seconds).round() as u64
    } else {
        0
    }
}

fn round3(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

fn read_movie(bytes: &[u8]) -> Option<Movie> {
    let first = boxes(bytes).next()?;
    if !matches!(
        &first.0,
        b"ftyp" | b"moov" | b"free" | b"mdat" | b"wide" | b"skip"
    ) {
        return None;
    }
    let moov = child(bytes, b"moov")?;
    let mut movie = Movie::default();
    let mvhd = child(moov, b"mvhd")?;
    let (timescale, duration) = match mvhd.first()? {
        1 => (u32_at(mvhd, 20)?, u64_at(mvhd, 24)?),
        _ => (u32_at(mvhd, 12)?, u64::from(u32_at(mvhd, 16)?)),
    };
    movie.duration = seconds(duration, timescale);
    for (kind, body) in boxes(moov) {
        if &kind == b"trak" {
            if let Some(track) = read_track(body) {
                movie.tracks.push(track);
            }
        }
    }
    Some(movie)
}

fn read_track(trak: &[u8]) -> Option<Track> {
    let mut track = Track::default();
    let mdia = child(trak, b"mdia")?;
    let mdhd = child(mdia, b"mdhd")?;
    let (timescale, duration) = match mdhd.first()? {
        1 => (u32_at(mdhd, 20)?, u64_at(mdhd, 24)?),
        _ => (u32_at(mdhd, 12)?, u64::from(u32_at(mdhd, 16)?)),
    };
    track.duration = seconds(duration, timescale);
    track.handler = child(mdia, b"hdlr")?.get(8..12)?.try_into().ok()?;
    if let Some(tkhd) = child(trak, b"tkhd") {
        let matrix = if tkhd.first() == Some(&1) { 52 } else { 40 };
        track.rotate = rotation(
            u32_at(tkhd, matrix).unwrap_or(0) as i32,
            u32_at(tkhd, matrix + 4).unwrap_or(0) as i32,
        );
        // 16.16 fixed point.
        track.width = u32_at(tkhd, matrix + 36).unwrap_or(0) >> 16;
        track.height = u32_at(tkhd, matrix + 40).unwrap_or(0) >> 16;
    }
    let stbl = child(child(mdia, b"minf")?, b"stbl")?;
    if let Some(stsd) = child(stbl, b"stsd") {
        // Version and flags, the entry count, then the first sample entry as a box.
        if let Some((format, entry)) = stsd.get(8..).and_then(|e| boxes(e).next()) {
            track.codec = codec_name(&format);
            if track.is_video() {
                // Six reserved bytes, the data reference index, 16 bytes pre-defined.
                track.width = u32::from(u16_at(entry, 24).unwrap_or(0));
                track.height = u32::from(u16_at(entry, 26).unwrap_or(0));
            } else if track.is_audio() {
                track.channels = u32::from(u16_at(entry, 16).unwrap_or(0));
                track.sample_rate = u32_at(entry, 24).unwrap_or(0) >> 16;
            }
        }
    }
    if let Some(stsz) = child(stbl, b"stsz") {
        let size = u64::from(u32_at(stsz, 4)?);
        track.samples = u64::from(u32_at(stsz, 8)?);
        track.bytes = if size > 0 {
            size.saturating_mul(track.samples)
        } else {
            (0..track.samples)
                .map_while(|i| {
                    let at = usize::try_from(12 + 4 * i).ok()?;
                    u32_at(stsz, at).map(u64::from)
                })
                .sum()
        };
    }
    Some(track)
}

/// MPS's codec names for the usual sample entry formats.
fn codec_name(format: &[u8; 4]) -> &'static str {
    match format {
        b"avc1" | b"avc3" => "h264",
        b"hvc1" | b"hev1" => "h265",
        b"av01" => "av1",
        b"vp09" => "vp9",
        b"mp4v" => "mpeg4",
        b"mp4a" => "aac",
        b"ac-3" => "ac3",
        b"ec-3" => "eac3",
        b"Opus" => "opus",
        b".mp3" => "mp3",
        _ => "",
    }
}

/// The rotation of a track matrix whose first row is (`a`, `b`) in 16.16 fixed point.
fn rotation(a: i32, b: i32) -> u32 {
    const ONE: i32 = 0x1_0000;
    const MINUS_ONE: i32 = -ONE;
    match (a, b) {
        (0, ONE) => 90,
        (MINUS_ONE, 0) => 180,
        (0, MINUS_ONE) => 270,
        _ => 0,
    }
}

fn seconds(duration: u64, timescale: u32) -> f64 {
    if timescale == 0 {
        0.0
    } else {
        duration as f64 / f64::from(timescale)
    }
}

/// The boxes in `data` as (type, body); stops at the first malformed one.
fn boxes(data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let declared = u64::from(u32_at(rest, 0)?);
        let kind: [u8; 4] = rest.get(4..8)?.try_into().ok()?;
        let (header, size) = match declared {
            0 => (8, rest.len() as u64),
            1 => (16, u64_at(rest, 8)?),
            n => (8, n),
        };
        let size = usize::try_from(size).ok()?;
        let body = rest.get(header..size)?;
        rest = &rest[size..];
        Some((kind, body))
    })
}

/// The body of the first box of type `kind` in `data`.
fn child<'a>(data: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(data).find(|(k, _)| k == kind).map(|(_, body)| body)
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(
        data.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(
        data.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(
        data.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("sample.mp4");

    #[test]
    fn reads_the_sample_video() {
        // The figures of the sample (320x180 H.264 at 15 fps, stereo AAC at 44.1 kHz, 3 s),
        // its boxes read with Python's struct module.
        assert_eq!(
            media_meta(SAMPLE),
            json!({
                "Size": 21445, "Container": MP4_CONTAINER, "Bitrate": 57187, "Height": 180,
                "Width": 320, "Duration": 3.0, "VideoDuration": 3.0, "AudioDuration": 3.023,
                "Rotate": 0,
                "VideoStreamSet": [{"Bitrate": 16800, "Height": 180, "Width": 320, "Codec": "h264", "Fps": 15}],
                "AudioStreamSet": [{"Bitrate": 32532, "SamplingRate": 44100, "Codec": "aac", "Channel": 2}],
            })
        );
    }

    #[test]
    fn rotation_from_the_matrix() {
        assert_eq!(rotation(0x1_0000, 0), 0);
        assert_eq!(rotation(0, 0x1_0000), 90);
        assert_eq!(rotation(-0x1_0000, 0), 180);
        assert_eq!(rotation(0, -0x1_0000), 270);
    }

    #[test]
    fn other_bytes_have_a_size_only() {
        for bytes in [
            &b""[..],
            b"not really a video",
            &SAMPLE[..40],
            &SAMPLE[..200],
        ] {
            let meta = media_meta(bytes);
            assert_eq!(meta["Size"], bytes.len());
            assert_eq!(meta["VideoStreamSet"], json!([]));
        }
        // A cut file whose movie box is whole still reads; cuts anywhere never panic.
        for cut in 0..SAMPLE.len().min(4000) {
            let _ = media_meta(&SAMPLE[..cut]);
        }
    }
}
