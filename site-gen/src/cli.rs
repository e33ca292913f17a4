//! The command line's options and subcommands (clap), every word of their
//! help in French: value names (clap would derive them from the field
//! names), headings, usage lines, the help and version flags (clap's own
//! are disabled and said again here), defaults written in the help texts.
//! clap's errors are worded by `report::usage_error`.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{ArgAction, Args, CommandFactory, Parser, Subcommand};

use crate::report::Verbosity;

/// The help of every command: clap's layout with French headings (each
/// ends with a no-break space: clap adds the colon).
const HELP: &str = "{about-with-newline}\nUtilisation : {usage}\n\n{all-args}{after-help}";

#[derive(Parser)]
#[command(
    name = "site-gen",
    version,
    about = "Construit un site à partir de content/ (Markdown) et d’un thème Tera",
    help_template = HELP,
    override_usage = "site-gen [OPTIONS] COMMANDE",
    subcommand_help_heading = "Commandes\u{a0}",
    subcommand_value_name = "COMMANDE",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    next_help_heading = "Options communes\u{a0}"
)]
pub(crate) struct Cli {
    /// Dossier du site (contenant content/ et, s’il existe, site.toml) ;
    /// par défaut le dossier courant.
    #[arg(
        long,
        global = true,
        value_name = "DOSSIER",
        default_value = ".",
        hide_default_value = true
    )]
    pub(crate) root: PathBuf,
    /// N’affiche que les erreurs.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Affiche le détail : fichiers écrits et écartés (build), requêtes (serve),
    /// nombre de liens vérifiés (check).
    #[arg(long, short, global = true)]
    pub(crate) verbose: bool,
    /// Affiche cette aide.
    #[arg(short = 'h', long = "aide", alias = "help", global = true, action = ArgAction::Help)]
    aide: Option<bool>,
    /// Affiche la version.
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    pub(crate) fn verbosity(&self) -> Verbosity {
        Verbosity {
            quiet: self.quiet,
            verbose: self.verbose,
        }
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Construit le site dans public/ (ou --output).
    #[command(help_template = HELP, override_usage = "site-gen build [OPTIONS]")]
    Build(BuildArgs),
    /// Sert le site depuis la mémoire sur http://127.0.0.1:1111, le
    /// reconstruit à chaque modification et recharge les pages ouvertes.
    #[command(help_template = HELP, override_usage = "site-gen serve [OPTIONS]")]
    Serve(ServeArgs),
    /// Construit le site en mémoire et vérifie ses liens : pages et ancres
    /// internes, id en double, pages orphelines (et, sur demande, les liens
    /// vers d’autres sites).
    #[command(help_template = HELP, override_usage = "site-gen check [OPTIONS]")]
    Check(CheckArgs),
    /// Crée une page (brouillon) : site-gen new actualites/assemblee-generale,
    /// ou avec son titre : site-gen new actualites "Fête de la science"
    #[command(
        help_template = HELP,
        override_usage = "site-gen new [OPTIONS] CHEMIN [TITRE]"
    )]
    New(NewArgs),
    /// Crée un nouveau site qui se construit aussitôt : site.toml, accueil,
    /// une page, les actualités, les tarifs et la page du calculateur.
    #[command(
        help_template = HELP,
        override_usage = "site-gen init [OPTIONS] [DOSSIER]"
    )]
    Init(InitArgs),
}

// `site-gen build` (its help is the doc comment of its variant).
#[derive(Args)]
#[command(next_help_heading = "Options\u{a0}")]
pub(crate) struct BuildArgs {
    /// Dossier de sortie (par défaut : public/ dans le dossier du site).
    #[arg(long, short, value_name = "DOSSIER")]
    pub(crate) output: Option<PathBuf>,
    /// Inclut les brouillons (draft = true).
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Remplace base_url de site.toml (déploiements de prévisualisation).
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Ne compile pas le calculateur en WebAssembly (la page des tarifs
    /// garde le calculateur pré-rendu et le tableau statique).
    #[arg(long)]
    pub(crate) no_widget: bool,
    /// Traite les avertissements (valeurs « à compléter »…) comme des
    /// erreurs : rien n’est écrit (pour publier).
    #[arg(long)]
    pub(crate) strict: bool,
}

// `site-gen serve` (its help is the doc comment of its variant).
#[derive(Args)]
#[command(next_help_heading = "Options\u{a0}")]
pub(crate) struct ServeArgs {
    /// Port d’écoute (par défaut 1111 ; 0 : un port libre au hasard).
    #[arg(
        long,
        short,
        value_name = "PORT",
        default_value = "1111",
        hide_default_value = true,
        value_parser = port
    )]
    pub(crate) port: u16,
    /// Adresse d’écoute (par défaut 127.0.0.1). 0.0.0.0 rend le site
    /// accessible depuis le réseau : seulement si c’est voulu.
    #[arg(
        long,
        value_name = "ADRESSE",
        default_value = "127.0.0.1",
        hide_default_value = true,
        value_parser = address
    )]
    pub(crate) bind: IpAddr,
    /// Inclut les brouillons (draft = true).
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Adresse du site dans ses liens (par défaut http://<bind>:<port>),
    /// par exemple pour un téléphone avec --bind 0.0.0.0.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Ne compile pas le calculateur en WebAssembly.
    #[arg(long)]
    pub(crate) no_widget: bool,
}

// `site-gen check` (its help is the doc comment of its variant).
#[derive(Args)]
#[command(next_help_heading = "Options\u{a0}")]
pub(crate) struct CheckArgs {
    /// Inclut les brouillons (draft = true).
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Vérifie aussi les liens vers d’autres sites (10 s par lien, 4 à la fois).
    #[arg(long)]
    pub(crate) external: bool,
    /// Ne vérifie pas les liens externes contenant ce texte (répétable).
    #[arg(long, value_name = "MOTIF", requires = "external")]
    pub(crate) skip: Vec<String>,
    /// Ne compile pas le calculateur en WebAssembly.
    #[arg(long)]
    pub(crate) no_widget: bool,
}

// `site-gen new` (its help is the doc comment of its variant).
#[derive(Args)]
#[command(next_help_heading = "Options\u{a0}")]
pub(crate) struct NewArgs {
    /// Chemin de la page dans content/, sans .md (actualites/ag) ; avec un
    /// titre, le dossier où la créer (actualites, ou . pour content/).
    #[arg(value_name = "CHEMIN", help_heading = "Arguments\u{a0}")]
    pub(crate) path: String,
    /// Titre de la page, accents compris (le nom du fichier en est tiré).
    #[arg(value_name = "TITRE", help_heading = "Arguments\u{a0}")]
    pub(crate) title: Option<String>,
}

// `site-gen init` (its help is the doc comment of its variant).
#[derive(Args)]
#[command(next_help_heading = "Options\u{a0}")]
pub(crate) struct InitArgs {
    /// Dossier du nouveau site, absent ou vide (par défaut : --root, le
    /// dossier courant).
    #[arg(value_name = "DOSSIER", help_heading = "Arguments\u{a0}")]
    pub(crate) dir: Option<PathBuf>,
    /// Nom de l’association (titre du site) ; sans lui, « à compléter ».
    #[arg(long, value_name = "NOM")]
    pub(crate) nom: Option<String>,
}

/// The usage line of the command named on the command line (the first
/// argument that names one), for errors clap gives without it; as clap
/// renders it (`Usage: …`).
pub(crate) fn usage_of_command_line() -> String {
    let mut cli = Cli::command();
    let named = std::env::args_os()
        .skip(1)
        .find_map(|arg| cli.find_subcommand(arg).cloned());
    let mut command = named.unwrap_or_else(|| {
        cli.build();
        cli
    });
    command.render_usage().to_string()
}

/// `--port`: a port number, said in French when it is not one.
fn port(value: &str) -> Result<u16, String> {
    value
        .trim()
        .parse()
        .map_err(|_| "un numéro de port est un nombre entier de 0 à 65535".to_string())
}

/// `--bind`: an IP address, said in French when it is not one.
fn address(value: &str) -> Result<IpAddr, String> {
    value
        .trim()
        .parse()
        .map_err(|_| "une adresse IP est attendue, par exemple 127.0.0.1 ou 0.0.0.0".to_string())
}
