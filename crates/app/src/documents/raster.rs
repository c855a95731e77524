//! Charts for the DOCX: Word shows SVG only beside a raster fallback, so the chart's SVG (the
//! same one the pages and the PDF draw) is rasterised to PNG with resvg (already in the build
//! through Typst's PDF writer), its text set in the Liberation Serif compiled into the binary.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

use super::RenderError;

/// Pixels per SVG unit: a 360-unit-wide chart becomes 720 px, about 120 dpi at 15 cm.
const SCALE: f32 = 2.0;

/// The fonts a chart may use (`font-family="serif"` resolves to Liberation Serif); no system
/// fonts, so the PNG is the same on every server.
static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    for f in super::pdf::FONT_FILES {
        db.load_font_data(f.to_vec());
    }
    db.set_serif_family("Liberation Serif");
    db.set_sans_serif_family("Liberation Serif");
    Arc::new(db)
});

/// A chart as PNG, with its size in pixels.
pub(crate) struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Rasterises a chart's SVG on a white background.
pub(crate) fn chart_png(svg: &str) -> Result<Png, RenderError> {
    let bad = |what: &str| RenderError::Data(format!("chart: {what}"));
    let options = usvg::Options {
        font_family: "Liberation Serif".into(),
        fontdb: FONTS.clone(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| bad(&e.to_string()))?;
    let size = tree
        .size()
        .scale_by(SCALE)
        .ok_or_else(|| bad("empty size"))?
        .to_int_size();
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| bad("size"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap.encode_png().map_err(|e| bad(&e.to_string()))?;
    Ok(Png {
        bytes,
        width: size.width(),
        height: size.height(),
    })
}
