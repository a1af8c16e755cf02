<#import "template.ftl" as layout>
<#import "buttons.ftl" as buttons>
<@layout.registrationLayout displayRequiredFields=false; section>
<!-- template: kinga-backup-codes.ftl -->
    <#if section = "header">
        ${msg("kingaBackupCodesTitle")}
    <#elseif section = "form">
        <#if kingaBackup.low>
            <div class="pf-v5-c-alert pf-m-warning pf-m-inline" id="kinga-backup-codes-low" role="status">
                <p class="pf-v5-c-alert__title">${msg("kingaBackupCodesLow", kingaBackup.remaining?c)}</p>
            </div>
        </#if>
        <p id="kinga-backup-codes-intro">${msg("kingaBackupCodesIntro")}</p>
        <ol id="kinga-backup-codes-list" class="kinga-codes" aria-label="${msg("kingaBackupCodesListLabel")}">
            <#list kingaBackup.codes as code>
                <li><code>${code}</code></li>
            </#list>
        </ol>
        <p class="kinga-hint">
            <a id="kinga-backup-codes-download" href="${kingaBackup.download}" download="kinga-backup-codes.txt">${msg("kingaBackupCodesDownload")}</a>
            · <span id="kinga-backup-codes-print">${msg("kingaBackupCodesPrint")}</span>
        </p>
        <form id="kinga-backup-codes-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
            <@buttons.actionGroup>
                <@buttons.button id="kinga-backup-codes-stored" name="stored" label="kingaBackupCodesStored" />
                <#if kingaBackup.low || isAppInitiatedAction??>
                    <@buttons.button id="kinga-backup-codes-later" name=kingaBackup.low?then("later", "cancel-aia") label="kingaBackupCodesLater" type="secondary" />
                </#if>
            </@buttons.actionGroup>
        </form>
    </#if>
</@layout.registrationLayout>
