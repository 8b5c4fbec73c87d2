//! The rules of the person's plan: agreeing an action (who does what, by when), taking it
//! out again, and turning it into a task on the link worker's to-do list.

use std::fmt;

use chrono::NaiveDate;

use crate::model::{ReferralId, Workspace};
use crate::work::diary::{DiaryError, TaskDraft, TaskOwner, MAX_TASK_LEN};

pub use crate::model::plan::*;

/// What the action form holds, as typed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ActionDraft {
    pub by: ActionBy,
    /// The service doing it, when another service does.
    pub service: String,
    pub what: String,
    /// ISO date, or empty for none.
    pub due: String,
}

impl Default for ActionDraft {
    /// A fresh action: something the person will do, with no date yet.
    fn default() -> Self {
        Self {
            by: ActionBy::Person,
            service: String::new(),
            what: String::new(),
            due: String::new(),
        }
    }
}

/// The fields of the action form, for putting an error next to its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlanField {
    Service,
    What,
    Due,
    Form,
}

/// Why an action could not be agreed, taken out or made a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    NoSuchReferral,
    NoSuchAction,
    WhatMissing,
    WhatTooLong,
    /// Another service does it, but which is not said.
    ServiceMissing,
    ServiceTooLong,
    DueInvalid,
    /// Due before the referral was made.
    DueTooEarly(NaiveDate),
    /// The action is already a task on the to-do list.
    AlreadyATask,
    /// The task could not be added.
    Task(DiaryError),
}

impl PlanError {
    /// The field the error belongs next to.
    pub fn field(&self) -> PlanField {
        match self {
            Self::WhatMissing | Self::WhatTooLong => PlanField::What,
            Self::ServiceMissing | Self::ServiceTooLong => PlanField::Service,
            Self::DueInvalid | Self::DueTooEarly(_) => PlanField::Due,
            Self::NoSuchReferral | Self::NoSuchAction | Self::AlreadyATask | Self::Task(_) => {
                PlanField::Form
            }
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchReferral => f.write_str("That referral is no longer in the workspace."),
            Self::NoSuchAction => f.write_str("That action is no longer in the plan."),
            Self::WhatMissing => f.write_str("Say what will be done."),
            Self::WhatTooLong => write!(
                f,
                "Keep the action to {MAX_ACTION_LEN} characters or fewer: the person's copy should stay short."
            ),
            Self::ServiceMissing => f.write_str("Name the service that will do it."),
            Self::ServiceTooLong => write!(
                f,
                "Keep the service's name to {MAX_ACTION_LEN} characters or fewer."
            ),
            Self::DueInvalid => {
                f.write_str("Enter a real date for when it is due, or leave it empty.")
            }
            Self::DueTooEarly(d) => write!(
                f,
                "It cannot be due before {}, when the referral was made.",
                d.format("%-d %b %Y")
            ),
            Self::AlreadyATask => f.write_str(
                "This action is already on your to-do list. Tick the task there when it is done.",
            ),
            Self::Task(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PlanError {}

/// The words of the first error that belongs next to `field`, for a form.
pub fn plan_message_for(errors: &[PlanError], field: PlanField) -> Option<String> {
    crate::work::message_next_to(errors, field, PlanError::field)
}

impl ActionDraft {
    /// Checks every field against the referral; the action is not yet given an id.
    pub fn validate(
        &self,
        ws: &Workspace,
        referral: ReferralId,
    ) -> Result<AgreedAction, Vec<PlanError>> {
        let r = ws
            .referrals
            .get(&referral)
            .ok_or_else(|| vec![PlanError::NoSuchReferral])?;
        let mut errors = Vec::new();
        let what = self.what.trim();
        if what.is_empty() {
            errors.push(PlanError::WhatMissing);
        } else if what.chars().count() > MAX_ACTION_LEN {
            errors.push(PlanError::WhatTooLong);
        }
        // A service is named only when another service does it.
        let service = match self.by {
            ActionBy::Service => self.service.trim(),
            ActionBy::Person | ActionBy::LinkWorker => "",
        };
        if self.by == ActionBy::Service {
            if service.is_empty() {
                errors.push(PlanError::ServiceMissing);
            } else if service.chars().count() > MAX_ACTION_LEN {
                errors.push(PlanError::ServiceTooLong);
            }
        }
        let due = match self.due.trim() {
            "" => None,
            text => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Err(_) => {
                    errors.push(PlanError::DueInvalid);
                    None
                }
                Ok(d) if d < r.referral_date => {
                    errors.push(PlanError::DueTooEarly(r.referral_date));
                    None
                }
                Ok(d) => Some(d),
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AgreedAction {
            id: ActionId::default(),
            by: self.by,
            service: service.to_owned(),
            what: what.to_owned(),
            due,
            task: None,
        })
    }
}

/// The words of the task made from an action: what the link worker does, or what they
/// check on or chase. Cut to the longest task, with an ellipsis, if need be.
pub fn task_text(action: &AgreedAction) -> String {
    let text = match action.by {
        ActionBy::LinkWorker => action.what.clone(),
        ActionBy::Person => format!("Check in: {}", action.what),
        ActionBy::Service => format!("Chase {}: {}", action.service, action.what),
    };
    if text.chars().count() <= MAX_TASK_LEN {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_TASK_LEN - 1).collect();
    cut.push('\u{2026}');
    cut
}

impl Workspace {
    /// Agrees an action with the person, kept in due order (undated last). Returns the
    /// chunk to save.
    pub fn add_action(
        &mut self,
        referral: ReferralId,
        draft: &ActionDraft,
    ) -> Result<u32, Vec<PlanError>> {
        let mut action = draft.validate(self, referral)?;
        let r = self
            .changeable(referral)
            .ok_or_else(|| vec![PlanError::NoSuchReferral])?;
        action.id = ActionId::new();
        r.plan.push(action);
        crate::model::order::sort_by_key(&mut r.plan, |a| (a.due.is_none(), a.due, a.id));
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Takes an action out of the plan (agreed in error, or no longer wanted). A task made
    /// from it stays on the to-do list. Returns the chunk to save.
    pub fn remove_action(&mut self, referral: ReferralId, id: ActionId) -> Result<u32, PlanError> {
        let r = self.changeable(referral).ok_or(PlanError::NoSuchReferral)?;
        let before = r.plan.len();
        r.plan.retain(|a| a.id != id);
        if r.plan.len() == before {
            return Err(PlanError::NoSuchAction);
        }
        r.mark_removed(crate::model::handover::Removed::part("plan", id));
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }

    /// Puts an action on the referral's to-do list, due when the action is, and notes the
    /// task on the action. Refused while that task is still on the list. Returns the chunk
    /// to save.
    pub fn action_to_task(&mut self, referral: ReferralId, id: ActionId) -> Result<u32, PlanError> {
        let r = self
            .referrals
            .get(&referral)
            .ok_or(PlanError::NoSuchReferral)?;
        let action = r
            .plan
            .iter()
            .find(|a| a.id == id)
            .ok_or(PlanError::NoSuchAction)?;
        if action
            .task
            .is_some_and(|t| r.tasks.iter().any(|task| task.id == t))
        {
            return Err(PlanError::AlreadyATask);
        }
        let draft = TaskDraft {
            text: task_text(action),
            due: action
                .due
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        };
        let task = self
            .add_task(TaskOwner::Referral(referral), &draft)
            .map_err(|errors| {
                PlanError::Task(errors.into_iter().next().unwrap_or(DiaryError::NoSuchTask))
            })?;
        let r = self.changeable(referral).ok_or(PlanError::NoSuchReferral)?;
        if let Some(action) = r.plan.iter_mut().find(|a| a.id == id) {
            action.task = Some(task);
        }
        let person = r.person;
        Ok(self.chunk_of(person).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::one_referral_ws;
    use crate::work::diary::MAX_TASK_LEN;

    fn one_referral() -> (Workspace, ReferralId) {
        let ws = one_referral_ws(); // RV-0001, referred 2 Nov 2026
        let id = *ws.referrals.keys().next().expect("one referral");
        (ws, id)
    }

    fn draft(by: ActionBy, service: &str, what: &str, due: &str) -> ActionDraft {
        ActionDraft {
            by,
            service: service.into(),
            what: what.into(),
            due: due.into(),
        }
    }

    fn fields(errors: &[PlanError]) -> Vec<PlanField> {
        errors.iter().map(PlanError::field).collect()
    }

    #[test]
    fn an_action_is_refused_with_every_reason_next_to_its_field() {
        let (mut ws, id) = one_referral();
        let errors = ws
            .add_action(id, &draft(ActionBy::Service, " ", "", "2026-11-01"))
            .expect_err("refused");
        assert_eq!(
            fields(&errors),
            [PlanField::What, PlanField::Service, PlanField::Due]
        );
        assert_eq!(
            plan_message_for(&errors, PlanField::Due).as_deref(),
            Some("It cannot be due before 2 Nov 2026, when the referral was made.")
        );
        assert_eq!(
            plan_message_for(&errors, PlanField::Service).as_deref(),
            Some("Name the service that will do it.")
        );
        let long = "x".repeat(MAX_ACTION_LEN + 1);
        let errors = ws
            .add_action(id, &draft(ActionBy::Service, &long, &long, "next week"))
            .expect_err("refused");
        assert_eq!(
            errors,
            [
                PlanError::WhatTooLong,
                PlanError::ServiceTooLong,
                PlanError::DueInvalid
            ]
        );
        assert!(ws.referrals[&id].plan.is_empty(), "nothing half-saved");
    }

    #[test]
    fn actions_are_kept_in_due_order_and_a_service_is_kept_only_for_a_service() {
        let (mut ws, id) = one_referral();
        ws.add_action(id, &draft(ActionBy::Person, "", "Go to the walk", ""))
            .expect("undated");
        ws.add_action(
            id,
            &draft(
                ActionBy::LinkWorker,
                "Ignored",
                " Ring the council ",
                "2026-12-05",
            ),
        )
        .expect("dated");
        ws.add_action(
            id,
            &draft(
                ActionBy::Service,
                "Citizens Advice",
                "Check benefits",
                "2026-12-01",
            ),
        )
        .expect("dated");
        let plan = &ws.referrals[&id].plan;
        let whats: Vec<&str> = plan.iter().map(|a| a.what.as_str()).collect();
        assert_eq!(
            whats,
            ["Check benefits", "Ring the council", "Go to the walk"]
        );
        assert_eq!(plan[1].service, "", "only another service is named");
        assert_eq!(plan[0].service, "Citizens Advice");
        let walk = plan[2].id;
        ws.remove_action(id, walk).expect("removed");
        assert_eq!(ws.referrals[&id].plan.len(), 2);
        assert_eq!(ws.remove_action(id, walk), Err(PlanError::NoSuchAction));
    }

    #[test]
    fn an_action_becomes_one_task_with_its_words_and_due_date() {
        let (mut ws, id) = one_referral();
        for d in [
            draft(ActionBy::LinkWorker, "", "Ring the council", "2026-12-05"),
            draft(ActionBy::Person, "", "go to the walking group", ""),
            draft(
                ActionBy::Service,
                "Citizens Advice",
                "benefits check",
                "2026-12-01",
            ),
        ] {
            ws.add_action(id, &d).expect("agreed");
        }
        let ids: Vec<ActionId> = ws.referrals[&id].plan.iter().map(|a| a.id).collect();
        for a in &ids {
            ws.action_to_task(id, *a).expect("made a task");
        }
        let r = &ws.referrals[&id];
        let tasks: Vec<(&str, Option<NaiveDate>)> =
            r.tasks.iter().map(|t| (t.text.as_str(), t.due)).collect();
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            tasks,
            [
                ("Chase Citizens Advice: benefits check", day("2026-12-01")),
                ("Ring the council", day("2026-12-05")),
                ("Check in: go to the walking group", None),
            ]
        );
        assert!(r.plan.iter().all(|a| a.task.is_some()));
        // A second time is refused, and no second task appears.
        assert_eq!(ws.action_to_task(id, ids[0]), Err(PlanError::AlreadyATask));
        assert_eq!(ws.referrals[&id].tasks.len(), 3);
        // Once its task is taken off the list, it can be made a task again.
        let task = ws.referrals[&id].plan[0].task.expect("a task");
        ws.remove_task(TaskOwner::Referral(id), task)
            .expect("removed");
        ws.action_to_task(id, ids[0]).expect("made again");
        assert_eq!(ws.referrals[&id].tasks.len(), 3);
    }

    #[test]
    fn a_long_action_for_a_service_is_cut_to_fit_the_to_do_list() {
        let (mut ws, id) = one_referral();
        let what = "w".repeat(MAX_ACTION_LEN);
        ws.add_action(id, &draft(ActionBy::Service, "Housing", &what, ""))
            .expect("agreed");
        let action = ws.referrals[&id].plan[0].id;
        ws.action_to_task(id, action).expect("a task");
        let text = &ws.referrals[&id].tasks[0].text;
        assert_eq!(text.chars().count(), MAX_TASK_LEN);
        assert!(text.starts_with("Chase Housing: www") && text.ends_with('\u{2026}'));
    }

    #[test]
    fn plan_actions_survive_saving_and_loading() {
        let (mut ws, id) = one_referral();
        ws.add_action(
            id,
            &draft(
                ActionBy::Service,
                "Citizens Advice",
                "benefits check",
                "2026-12-01",
            ),
        )
        .expect("agreed");
        let action = ws.referrals[&id].plan[0].id;
        ws.action_to_task(id, action).expect("a task");
        let stored: Vec<(String, String)> = ws
            .all_keys()
            .into_iter()
            .map(|k| (k.name("main"), ws.encode(k)))
            .collect();
        let loaded = crate::store::format::load_workspace(
            "main",
            stored.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let r = &loaded.workspace.referrals[&id];
        assert_eq!(r.plan, ws.referrals[&id].plan);
        assert_eq!(r.plan[0].service, "Citizens Advice");
        assert_eq!(r.plan[0].task, Some(r.tasks[0].id));
    }
}
