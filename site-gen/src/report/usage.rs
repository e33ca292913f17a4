//! The command line clap did not accept, its help and its version, in
//! French (clap's own words are English).

use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::{escaped, Style};

/// A command line clap did not accept, or its help or version: printed in
/// French (clap's own words are English). Exit code 2 for a mistake, as
/// clap does; 0 for the help and version asked for.
pub(crate) fn usage_error(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Our help templates, already French.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return ExitCode::from(2);
        }
        _ => {}
    }
    let Style { red, reset, .. } = Style::get();
    eprintln!(
        "{red}erreur{reset} : {}",
        escaped(&usage_message(error), false)
    );
    let usage = context(error, ContextKind::Usage)
        .into_iter()
        .next()
        .unwrap_or_else(crate::cli::usage_of_command_line);
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let command: Vec<&str> = usage
        .split_whitespace()
        .take_while(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .collect();
    eprintln!();
    eprintln!("Utilisation : {usage}");
    eprintln!("Pour en savoir plus : {} --aide", command.join(" "));
    ExitCode::from(2)
}

/// What is wrong with the command line, in French.
fn usage_message(error: &clap::Error) -> String {
    let one = |kind| context(error, kind).into_iter().next().unwrap_or_default();
    let all = |kind| {
        context(error, kind)
            .iter()
            .map(|v| format!("« {v} »"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let arg = one(ContextKind::InvalidArg);
    let value = one(ContextKind::InvalidValue);
    let suggestion = |kind| match context(error, kind).first() {
        Some(s) => format!(" (vouliez-vous dire « {s} » ?)"),
        None => String::new(),
    };
    match error.kind() {
        ErrorKind::UnknownArgument => format!(
            "argument inattendu « {arg} »{}",
            suggestion(ContextKind::SuggestedArg)
        ),
        ErrorKind::InvalidSubcommand
            if matches!(
                one(ContextKind::InvalidSubcommand).as_str(),
                "help" | "aide"
            ) =>
        {
            "l’aide s’affiche avec site-gen --aide, celle d’une commande avec \
             site-gen COMMANDE --aide"
                .to_string()
        }
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »{}",
            one(ContextKind::InvalidSubcommand),
            suggestion(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("il manque la valeur de « {arg} »")
        }
        ErrorKind::InvalidValue => {
            let valid = all(ContextKind::ValidValue);
            let valid = if valid.is_empty() {
                String::new()
            } else {
                format!(" (valeurs possibles : {valid})")
            };
            format!("valeur invalide « {value} » pour « {arg} »{valid}")
        }
        ErrorKind::ValueValidation => {
            // The sources are our value parsers' French messages.
            let why = std::error::Error::source(error)
                .map(|e| format!(" : {e}"))
                .unwrap_or_default();
            format!("valeur invalide « {value} » pour « {arg} »{why}")
        }
        ErrorKind::NoEquals => format!("« {arg} » s’écrit avec un = : {arg}=valeur"),
        ErrorKind::TooManyValues => format!("valeur en trop « {value} » pour « {arg} »"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour « {arg} »")
        }
        ErrorKind::ArgumentConflict => match all(ContextKind::PriorArg) {
            prior if prior.is_empty() => format!("« {arg} » ne peut pas être utilisé ici"),
            prior => format!("« {arg} » ne peut pas être utilisé avec {prior}"),
        },
        ErrorKind::MissingRequiredArgument => {
            format!("il manque : {}", all(ContextKind::InvalidArg))
        }
        ErrorKind::MissingSubcommand => {
            "indiquez une commande : build, serve, check, new ou init".to_string()
        }
        ErrorKind::InvalidUtf8 => "un argument n’est pas du texte UTF-8 valide".to_string(),
        _ => "ligne de commande incorrecte".to_string(),
    }
}

/// The values clap gives for `kind`, as plain text.
fn context(error: &clap::Error, kind: ContextKind) -> Vec<String> {
    match error.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::StyledStr(s)) => vec![s.to_string()],
        Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect(),
        Some(ContextValue::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    }
}
