//! Why an image could not be processed, in French: what the maintainer
//! reads at the Markdown line or template call that names the image.

/// An image that cannot be published or measured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("{file} n’est pas une image {expected} lisible (contenu d’un autre type : renommez-le ou remplacez-le)")]
    NotAnImage { file: String, expected: String },
    #[error("image {file} illisible (fichier abîmé ou incomplet : ré-exportez-la depuis le téléphone ou le logiciel de retouche) : {reason}")]
    Corrupt { file: String, reason: String },
    #[error("image {file} trop grande ({width} × {height} pixels ; au plus {max} pixels de côté) : réduisez-la avant de la publier")]
    TooLarge {
        file: String,
        width: u32,
        height: u32,
        max: u32,
    },
    #[error(
        "image {file} : format {format} non traité (seuls JPEG, PNG et WebP sont redimensionnés)"
    )]
    Unsupported { file: String, format: String },
    #[error("image {file} : encodage en {format} impossible ({reason})")]
    Encode {
        file: String,
        format: &'static str,
        reason: String,
    },
}
