//! Semantic Versioning 2.0.0 version strings (QVM-004).

/// Whether `s` is a version per the SemVer 2.0.0 grammar: `MAJOR.MINOR.PATCH`, numeric
/// identifiers without leading zeros, an optional `-pre.release` of non-empty dot-separated
/// `[0-9A-Za-z-]` identifiers (numeric ones without leading zeros) and an optional
/// `+build.metadata` of non-empty `[0-9A-Za-z-]` identifiers.
pub(crate) fn is_valid(s: &str) -> bool {
    let (rest, build) = match s.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| numeric(n))
        && pre.is_none_or(|p| p.split('.').all(pre_release))
        && build.is_none_or(|b| b.split('.').all(alphanumeric))
}

fn alphanumeric(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

fn numeric(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit()) && (id == "0" || !id.starts_with('0'))
}

fn pre_release(id: &str) -> bool {
    if id.bytes().all(|c| c.is_ascii_digit()) {
        numeric(id)
    } else {
        alphanumeric(id)
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn semver_grammar() {
        for ok in [
            "0.0.0",
            "1.2.3",
            "10.20.30",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-0.3.7",
            "1.0.0-x.7.z.92",
            "1.0.0-x-y-z.--",
            "1.0.0+20130313144700",
            "1.0.0-beta+exp.sha.5114f85",
            "1.0.0+21AF26D3----117B344092BD",
            "1.0.0+001",
        ] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.02.3",
            "1.2.03",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3-a..b",
            "1.2.3+",
            "1.2.3+a+b",
            "v1.2.3",
            " 1.2.3",
            "1.2.3-é",
            "-1.2.3",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
