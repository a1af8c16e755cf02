<#-- "Trust this device": shown on the second-factor forms when the realm's policy allows it for this user. -->
<#macro trustDevice>
    <#if kingaMfa.trustOffered>
        <div class="${properties.kcFormGroupClass!} kinga-trust-device">
            <div class="pf-v5-c-check">
                <input class="pf-v5-c-check__input" type="checkbox" id="trust_device" name="trust_device" value="on"
                       aria-describedby="trust_device_help"/>
                <label class="pf-v5-c-check__label" for="trust_device">${msg("kingaTrustDevice", kingaMfa.trustDays?c)}</label>
                <span class="pf-v5-c-check__description" id="trust_device_help">${msg("kingaTrustDeviceHelp")}</span>
            </div>
        </div>
    </#if>
</#macro>
